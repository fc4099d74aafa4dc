import Foundation
import JSONDocument

/// Why a call to Partner Center did not succeed: carries everything an operator needs to look
/// it up (HTTP status, Partner Center code, request and correlation IDs), and a description that
/// says what happened and what to do. Never holds a secret.
public struct PartnerCenterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public enum Kind: Sendable, Equatable {
        /// Partner Center answered with an error status.
        case http
        /// No response: the request never left (`ambiguous == false`) or may have been acted on.
        case transport(ambiguous: Bool)
        /// The run's retry budget ran dry: Partner Center keeps failing; stop and resume later.
        case retryBudgetExhausted
        /// Partner Center asked (`Retry-After`) for a longer wait than the client waits out: stop
        /// and resume later.
        case waitTooLong
        /// A token could not be had (bad credentials, the authority refused).
        case authentication
        /// A success status with a body the tool cannot read.
        case invalidResponse
        /// The run cancelled the call (it is stopping) before the request was sent.
        case cancelled
    }

    public var kind: Kind
    /// The HTTP status, when a response arrived.
    public var status: Int?
    /// Partner Center's error code (`2055`, `60003`, …), string or number in the body.
    public var code: String?
    /// Partner Center's description, or the transport's reason.
    public var detail: String?
    /// `MS-RequestId` of the logical call.
    public var requestId: String?
    /// `MS-CorrelationId` of the call.
    public var correlationId: String?
    /// Seconds Partner Center asked to wait (`Retry-After`), if any.
    public var retryAfter: Duration?

    public init(
        kind: Kind, status: Int? = nil, code: String? = nil, detail: String? = nil, requestId: String? = nil,
        correlationId: String? = nil, retryAfter: Duration? = nil
    ) {
        self.kind = kind
        self.status = status
        self.code = code
        self.detail = detail
        self.requestId = requestId
        self.correlationId = correlationId
        self.retryAfter = retryAfter
    }

    /// An error from an error response, its body parsed in either of Partner Center's shapes.
    init(response: HTTPResponse, requestId: String?, correlationId: String?, retryAfter: Duration?) {
        let body = ErrorBody(response.body)
        let detail =
            (300..<400).contains(response.status)
            ? "a redirect to \(response.header("Location") ?? "no Location")" : body.message
        self.init(
            kind: .http, status: response.status, code: body.code, detail: detail, requestId: requestId,
            correlationId: correlationId, retryAfter: retryAfter)
    }

    /// The error with the text it brought from the server or the transport masked by `redactor`.
    public func redacted(by redactor: Redactor) -> PartnerCenterError {
        var copy = self
        copy.detail = detail.map { redactor($0) }
        copy.code = code.map { redactor($0) }
        return copy
    }

    /// Whether this is an ETag conflict: 412, 409, or 400 with code 2055.
    public var isConflict: Bool { meaning == .conflict }

    public var description: String {
        var text = summary
        var ids: [String] = []
        if let requestId { ids.append("request \(requestId)") }
        if let correlationId { ids.append("correlation \(correlationId)") }
        if !ids.isEmpty { text += " [\(ids.joined(separator: ", "))]" }
        return text
    }

    /// What happened and what to do, without the IDs.
    public var summary: String {
        let said = detail.map { ": \($0)" } ?? ""
        let codeText = code.map { ", code \($0)" } ?? ""
        switch kind {
        case .transport(let ambiguous):
            return ambiguous
                ? "no answer from Partner Center (the request may have been received)\(said); the row is checked by reading it back"
                : "could not reach Partner Center\(said); check the endpoint and the network"
        case .retryBudgetExhausted:
            return
                "Partner Center keeps failing (retry budget spent)\(said); the run stops here and can be resumed later"
        case .waitTooLong:
            let wait = retryAfter.map { "\($0.components.seconds) s" } ?? "long"
            return "Partner Center asked to wait \(wait) before the next request (Retry-After), longer than the tool "
                + "waits (2 min)\(said); the run stops here and can be resumed after that"
        case .authentication:
            return "could not get a token\(said); check the credentials (PARTNER_CENTER_* or --env-file) and the tenant"
        case .invalidResponse:
            return "Partner Center answered with a body the tool cannot read\(said)"
        case .cancelled:
            return "not sent: the run is stopping\(said)"
        case .http:
            let status = self.status ?? 0
            let advice: String
            switch status {
            case 401: advice = "the token was refused; check the app registration, its consent and the credentials"
            case 403: advice = "the partner may not manage this customer (no reseller relationship, or missing rights)"
            case 404: advice = "no such customer for this partner; check the customerId"
            case 400: advice = "Partner Center rejected the address; correct the row and run again"
            case 409, 412: advice = "the profile changed since it was read"
            case 429: advice = "Partner Center is throttling; the run slows down and retries"
            case 500...599: advice = "Partner Center had a server error; retried, then reported"
            case 300...399:
                advice =
                    "redirects are never followed for Partner Center calls (they would carry the customer's data "
                    + "elsewhere); check --endpoint, or the proxy in front of it"
            default: advice = "see Partner Center's description"
            }
            return "Partner Center answered HTTP \(status)\(codeText)\(said); \(advice)"
        }
    }
}

/// Partner Center's two error body shapes: PartnerFD's `{code, description, data, source}`
/// (with `code` a string or a number) and the throttling `{statusCode, message}`.
struct ErrorBody {
    var code: String?
    var message: String?

    init(_ bytes: [UInt8]) {
        guard let object = (try? JSONValue(parsing: bytes))?.objectValue else {
            let text = String(decoding: bytes.prefix(300), as: UTF8.self).trimmingCharacters(
                in: .whitespacesAndNewlines)
            message = text.isEmpty ? nil : text
            return
        }
        code = object[anyCase: "code"]?.scalarText ?? object[anyCase: "statusCode"]?.scalarText
        var message = object[anyCase: "description"]?.stringValue ?? object[anyCase: "message"]?.stringValue
        if let data = object[anyCase: "data"]?.arrayValue?.compactMap(\.stringValue), !data.isEmpty {
            let details = data.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            if !details.isEmpty {
                message = (message.map { $0 + " " } ?? "") + "(" + details.joined(separator: "; ") + ")"
            }
        }
        self.message = message
    }
}
