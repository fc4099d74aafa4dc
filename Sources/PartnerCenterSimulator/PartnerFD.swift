import HTTPTypes
import Hummingbird
import JSONDocument
import NIOCore

/// Responses in Partner Center's shapes.
enum PartnerFD {
    /// A JSON body.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(
            status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.serialized)))
    }

    /// PartnerFD's error body: `{"code": 27002, "description": …, "data": […], "source": "PartnerFD"}`.
    static func error(_ status: HTTPResponse.Status, code: Int, _ description: String, data: [String] = []) -> Response
    {
        var body = JSONObject()
        body["code"] = .number("\(code)")
        body["description"] = .string(description)
        body["data"] = .array(data.map(JSONValue.string))
        body["source"] = .string("PartnerFD")
        return json(.object(body), status: status)
    }

    /// The refusal of a PUT whose ETag is stale, in `style`. Codes and descriptions are from
    /// Partner Center's REST error-code table (`error-codes.md`), which lists none for billing
    /// profiles:
    /// - 412: 800036 "Pre-condition failed" (listed there under 417; 412 is the status an
    ///   `If-Match` that fails gets).
    /// - 409: 800064, the table's concurrency conflict ("Cart {0} is being processed by another
    ///   request"; 900104 says the same of transfers), said of the billing profile.
    /// - 400: 2055 "Etag is no longer valid", documented for subscriptions.
    static func staleETag(_ style: SimulatorConfiguration.ConflictStyle, customerId: String) -> Response {
        switch style {
        case .preconditionFailed:
            error(.preconditionFailed, code: 800_036, "Pre-condition failed")
        case .conflict:
            error(
                .conflict, code: 800_064,
                "Billing profile of customer \(customerId) is being processed by another request")
        case .etagNoLongerValid:
            error(.badRequest, code: 2055, "Etag is no longer valid")
        }
    }

    /// The throttling answer: 429, `Retry-After` in seconds, and the `{statusCode, message}` body.
    static func throttled(retryAfter seconds: Int) -> Response {
        var body = JSONObject()
        body["statusCode"] = .number("429")
        body["message"] = .string("Rate limit is exceeded. Try again in \(seconds) seconds.")
        return json(.object(body), status: .tooManyRequests, headers: [.retryAfter: "\(seconds)"])
    }

    /// A connection that drops before the answer: the head goes out promising a body that never
    /// comes, then the connection closes. The client sees no usable response.
    static func dropped() -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json", .contentLength: "4096", .sandboxFault: "drop"],
            body: ResponseBody(contentLength: 4096) { _ in throw SimulatedDrop() })
    }

    struct SimulatedDrop: Error {}
}

/// Which API a request is for: stats are kept per route, faults drawn per path.
struct Route {
    let name: String
    let customerId: String?
    let isControl: Bool
    let needsAuth: Bool

    init(method: HTTPRequest.Method, path: String) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        if parts.first == "_sandbox" {
            self.init(name: "control", customerId: nil, isControl: true, needsAuth: false)
        } else if parts.count == 5, parts[0] == "v1", parts[1] == "customers", parts[3] == "profiles",
            parts[4] == "billing"
        {
            self.init(
                name: "\(method.rawValue) /v1/customers/{id}/profiles/billing",
                customerId: String(parts[2]).lowercased(),
                isControl: false, needsAuth: true)
        } else if parts.count == 3, parts[0] == "v1", parts[1] == "customers" {
            self.init(
                name: "\(method.rawValue) /v1/customers/{id}", customerId: String(parts[2]).lowercased(),
                isControl: false, needsAuth: true)
        } else if parts.count == 3, parts[0] == "v1", parts[1] == "countryvalidationrules" {
            self.init(
                name: "\(method.rawValue) /v1/countryvalidationrules/{iso2}", customerId: nil, isControl: false,
                needsAuth: true)
        } else if parts.count == 3, parts[1] == "oauth2", parts[2] == "token" {
            self.init(
                name: "\(method.rawValue) /{tenant}/oauth2/token", customerId: nil, isControl: false, needsAuth: false)
        } else {
            self.init(name: "\(method.rawValue) \(path)", customerId: nil, isControl: false, needsAuth: true)
        }
    }

    private init(name: String, customerId: String?, isControl: Bool, needsAuth: Bool) {
        self.name = name
        self.customerId = customerId
        self.isControl = isControl
        self.needsAuth = needsAuth
    }
}

extension HTTPField.Name {
    static let requestId = HTTPField.Name("MS-RequestId")!
    static let correlationId = HTTPField.Name("MS-CorrelationId")!
    static let continuationToken = HTTPField.Name("MS-ContinuationToken")!
    /// Marks a response the simulator sabotages on purpose (for its own bookkeeping).
    static let sandboxFault = HTTPField.Name("X-Sandbox-Fault")!
}
