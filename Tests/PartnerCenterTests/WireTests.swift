import AddressRules
import Foundation
import JSONDocument
import Logging
import PartnerCenter
import Synchronization
import Testing

/// A transport that answers from a script and keeps every request.
final class ScriptedTransport: HTTPTransport {
    private let state: Mutex<(answers: [HTTPResponse], requests: [HTTPRequest])>

    init(_ answers: [HTTPResponse]) {
        state = Mutex((answers, []))
    }

    var requests: [HTTPRequest] { state.withLock { $0.requests } }

    func send(_ request: HTTPRequest, timeout: Duration) async throws(TransportError) -> HTTPResponse {
        state.withLock { state in
            state.requests.append(request)
            return state.answers.isEmpty ? HTTPResponse(status: 500) : state.answers.removeFirst()
        }
    }
}

/// How the client reads and writes the wire, against scripted answers and the documented examples.
@Suite("The wire as Partner Center speaks it")
struct WireTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/PartnerCenterDocs")

    static func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: fixtures.appendingPathComponent(name)))
    }

    private func client(_ transport: ScriptedTransport, placement: ETagPlacement = .both) -> PartnerCenterClient {
        var configuration = PartnerCenterConfiguration(endpoint: "https://api.partnercenter.microsoft.com")
        configuration.etagPlacement = placement
        configuration.retry.maxAttempts = 1
        return PartnerCenterClient(
            configuration: configuration, transport: transport, tokens: StaticTokenProvider(token: "t"),
            limiter: AdaptiveRateLimiter(), logger: Logger(label: "test"))
    }

    @Test("the documented GET response, with and without a byte-order mark, reads the same")
    func byteOrderMark() async throws {
        let body = try Self.fixture("get-billing-profile.response.json")
        let plain = try await client(ScriptedTransport([HTTPResponse(status: 200, body: body)]))
            .billingProfile(customerId: "c", correlationId: "k")
        let marked = try await client(ScriptedTransport([HTTPResponse(status: 200, body: [0xEF, 0xBB, 0xBF] + body)]))
            .billingProfile(customerId: "c", correlationId: "k")
        #expect(plain == marked)
        #expect(plain.etag != nil)
        #expect(plain.address[.country] != nil)
    }

    @Test("a body in another charset is an explicit error, not garbage")
    func otherCharset() async throws {
        let body = try Self.fixture("get-billing-profile.response.json")
        let transport = ScriptedTransport([
            HTTPResponse(status: 200, headers: [("Content-Type", "application/json; charset=iso-8859-1")], body: body)
        ])
        await #expect {
            _ = try await client(transport).billingProfile(customerId: "c", correlationId: "k")
        } throws: { error in
            (error as? PartnerCenterError)?.detail?.contains("charset iso-8859-1") == true
        }
    }

    @Test("the documented PUT request, in PascalCase with explicit nulls, reads as a profile")
    func pascalCaseRequest() throws {
        let profile = try BillingProfile(json: try Self.fixture("update-billing-profile.request.json"))
        #expect(profile.address[.addressLine1] != nil)
        #expect(profile.address[.addressLine2] == nil)
        #expect(profile.address[.region] == nil)
        #expect(profile.etag != nil)
    }

    @Test(
        "every documented error body parses, whether its code is a string or a number",
        arguments: [
            "error-partnerfd.json", "error-27002-numeric-code.json", "error-429.json",
        ])
    func errorBodies(file: String) async throws {
        let transport = ScriptedTransport([HTTPResponse(status: 400, body: try Self.fixture(file))])
        await #expect {
            _ = try await client(transport).billingProfile(customerId: "c", correlationId: "k")
        } throws: { error in
            let error = error as! PartnerCenterError
            return error.code != nil && error.detail != nil
        }
    }

    @Test("a cleared field goes out as null under its existing key; the ETag where --etag-in says")
    func putBody() async throws {
        let read = try BillingProfile(json: try Self.fixture("get-billing-profile.response.json"))
        let changed = read.applying([.city: .clear])
        for placement in ETagPlacement.allCases {
            let transport = ScriptedTransport([HTTPResponse(status: 200, body: changed.body)])
            _ = try await client(transport, placement: placement).updateBillingProfile(
                customerId: "c", profile: changed, correlationId: "k")
            let request = try #require(transport.requests.first)
            let sent = try #require(try JSONValue(parsing: request.body ?? []).objectValue)
            #expect(sent[anyCase: "defaultAddress"]?.objectValue?[anyCase: "city"] == .null)
            let bodyETag = sent[anyCase: "attributes"]?.objectValue?[anyCase: "etag"]
            #expect((request.header("If-Match") == "\"\(read.etag ?? "")\"") == placement.inHeader, "\(placement)")
            #expect((bodyETag != nil) == placement.inBody, "\(placement)")
        }
    }

    @Test(
        "an ETag goes out in If-Match as it came: quoted when bare, as is when already quoted or weak",
        arguments: [("abc==", "\"abc==\""), ("\"abc\"", "\"abc\""), ("W/\"abc\"", "W/\"abc\"")])
    func entityTags(etag: String, header: String) async throws {
        var document = try #require(
            try JSONValue(parsing: try Self.fixture("get-billing-profile.response.json")).objectValue)
        var attributes = document[anyCase: "attributes"]?.objectValue ?? JSONObject()
        attributes[anyCase: "etag"] = .string(etag)
        document[anyCase: "attributes"] = .object(attributes)
        let read = try BillingProfile(json: JSONValue.object(document).serialized)
        let transport = ScriptedTransport([HTTPResponse(status: 200, body: read.body)])
        _ = try await client(transport, placement: .header).updateBillingProfile(
            customerId: "c", profile: read.applying([.city: .set("Oslo")]), correlationId: "k")
        #expect(try #require(transport.requests.first).header("If-Match") == header)
    }

    @Test("an empty or unreadable success answer to a PUT is nil, for the caller to read back")
    func emptyPutAnswer() async throws {
        let read = try BillingProfile(json: try Self.fixture("get-billing-profile.response.json"))
        for answer in [HTTPResponse(status: 200), HTTPResponse(status: 204), HTTPResponse(status: 200, body: [0x7B])] {
            let stored = try await client(ScriptedTransport([answer])).updateBillingProfile(
                customerId: "c", profile: read, correlationId: "k")
            #expect(stored == nil)
        }
    }

    @Test("each cloud asks for its own token audience", arguments: PartnerCenterCloud.allCases)
    func audience(cloud: PartnerCenterCloud) async throws {
        let transport = ScriptedTransport([
            HTTPResponse(status: 200, body: Array(#"{"access_token":"a","expires_in":"3600"}"#.utf8))
        ])
        let provider = EntraTokenProvider(
            authority: cloud.authority, tenant: "contoso.onmicrosoft.com", clientId: "app", clientSecret: "s",
            grant: .clientCredentials, resource: cloud.resource, transport: transport)
        _ = try await provider.token()
        let form = String(decoding: transport.requests.first?.body ?? [], as: UTF8.self)
        let expected: String =
            switch cloud {
            case .global, .usgov: "https%3A%2F%2Fapi.partnercenter.microsoft.com"
            case .china: "https%3A%2F%2Fpartner.partnercenterapi.microsoftonline.cn"
            }
        #expect(form.contains("resource=\(expected)"), "\(form)")
        #expect(transport.requests.first?.url.hasPrefix(cloud.authority) == true)
    }

    @Test("the client itself refuses a PUT without the ETag it read: nothing reaches the wire")
    func noPreconditionNoPut() async throws {
        var read = try BillingProfile(json: try Self.fixture("get-billing-profile.response.json"))
        var document = read.document
        var attributes = try #require(document[anyCase: "attributes"]?.objectValue)
        attributes[anyCase: "etag"] = nil
        document[anyCase: "attributes"] = .object(attributes)
        read = BillingProfile(document: document)
        for placement in ETagPlacement.allCases {
            let transport = ScriptedTransport([HTTPResponse(status: 200, body: read.body)])
            await #expect(throws: PartnerCenterError.self) {
                _ = try await client(transport, placement: placement).updateBillingProfile(
                    customerId: "c", profile: read, correlationId: "k")
            }
            #expect(transport.requests.isEmpty)
        }
    }

    @Test("a redirect is not followed: a failure that names where it pointed")
    func redirect() async throws {
        let transport = ScriptedTransport([
            HTTPResponse(status: 301, headers: [("Location", "https://elsewhere.example/v1/customers/c")])
        ])
        await #expect {
            _ = try await client(transport).billingProfile(customerId: "c", correlationId: "k")
        } throws: { error in
            let error = error as! PartnerCenterError
            return error.status == 301 && error.summary.contains("https://elsewhere.example")
                && error.summary.contains("never followed")
        }
        #expect(transport.requests.count == 1)
    }

    @Test("an error body that echoes the request's secrets reaches no message: the token and configured secrets masked")
    func echoedSecrets() async throws {
        let body =
            #"{"code":"800003","description":"boom; Authorization: Bearer t-secret-token; client_secret=cs-secret-1"}"#
        let transport = ScriptedTransport([HTTPResponse(status: 400, body: Array(body.utf8))])
        var configuration = PartnerCenterConfiguration(endpoint: "https://api.partnercenter.microsoft.com")
        configuration.secrets = ["cs-secret-1"]
        let client = PartnerCenterClient(
            configuration: configuration, transport: transport, tokens: StaticTokenProvider(token: "t-secret-token"),
            limiter: AdaptiveRateLimiter(), logger: Logger(label: "test"))
        await #expect {
            _ = try await client.billingProfile(customerId: "c", correlationId: "k")
        } throws: { error in
            let text = "\(error)"
            return !text.contains("t-secret-token") && !text.contains("cs-secret-1") && text.contains("[redacted]")
        }
    }
}
