import Foundation
import JSONDocument

/// Gets tokens from Microsoft Entra ID (`{authority}/{tenant}/oauth2/token`) for the Partner
/// Center audience, by client credentials (app-only) or a refresh token (App+User), and renews
/// them before they expire (a tenth of their lifetime early, at most a minute) and once on a 401.
/// Concurrent callers share one fetch.
public actor EntraTokenProvider: TokenProvider {
    /// How the app proves itself.
    public enum Grant: Sendable {
        /// App-only: client ID and secret.
        case clientCredentials
        /// App+User (Secure Application Model): a refresh token as well.
        case refreshToken(String)
    }

    private let authority: String
    /// The token's audience (`resource=`): the cloud's Partner Center API.
    public let resource: String
    private let tenant: String
    private let clientId: String
    private let clientSecret: String
    private let grant: Grant
    private let transport: any HTTPTransport
    private let clock: any RunClock
    private var current: (token: String, renewAt: Date)?
    private var pending: Task<(token: String, renewAt: Date), any Error>?
    /// When the current token expires, as the authority said.
    private var expiresAt: Date?

    public init(
        authority: String, tenant: String, clientId: String, clientSecret: String, grant: Grant,
        resource: String = PartnerCenterCloud.global.resource, transport: any HTTPTransport,
        clock: any RunClock = SystemClock()
    ) {
        self.authority = authority.hasSuffix("/") ? String(authority.dropLast()) : authority
        self.resource = resource
        self.tenant = tenant
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.grant = grant
        self.transport = transport
        self.clock = clock
    }

    public func token() async throws(PartnerCenterError) -> String {
        if let current, clock.date() < current.renewAt { return current.token }
        let task: Task<(token: String, renewAt: Date), any Error>
        if let pending {
            task = pending
        } else {
            task = Task { try await self.fetch() }
            pending = task
        }
        do {
            let fresh = try await task.value
            current = fresh
            pending = nil
            return fresh.token
        } catch {
            pending = nil
            throw error as? PartnerCenterError ?? PartnerCenterError(kind: .authentication, detail: "\(error)")
        }
    }

    public func invalidate(_ token: String) async -> Bool {
        if current?.token == token { current = nil }
        return true
    }

    public func describe() async -> String {
        let grantName =
            switch grant {
            case .clientCredentials: "client credentials (app-only)"
            case .refreshToken: "refresh token (App+User)"
            }
        let expiry = expiresAt.map { " expires in \(Int($0.timeIntervalSince(clock.date()) / 60)) min" } ?? ""
        return "\(grantName) from \(authority), audience \(resource);\(expiry)"
    }

    private func fetch() async throws -> (token: String, renewAt: Date) {
        var form = [
            ("client_id", clientId), ("client_secret", clientSecret), ("resource", resource),
        ]
        switch grant {
        case .clientCredentials:
            form.insert(("grant_type", "client_credentials"), at: 0)
        case .refreshToken(let refreshToken):
            form.insert(("grant_type", "refresh_token"), at: 0)
            form.append(("refresh_token", refreshToken))
            form.append(("scope", "openid"))
        }
        let body = form.map { "\($0.0)=\(Self.formEncode($0.1))" }.joined(separator: "&")
        let request = HTTPRequest(
            method: "POST", url: "\(authority)/\(tenant)/oauth2/token",
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            body: Array(body.utf8))
        let response: HTTPResponse
        do {
            response = try await transport.send(request, timeout: .seconds(30))
        } catch {
            throw PartnerCenterError(kind: .authentication, detail: "the authority did not answer (\(error.reason))")
                .redacted(by: redactor)
        }
        let object = (try? JSONValue(parsing: response.body))?.objectValue
        guard response.status == 200, let token = object?["access_token"]?.stringValue, !token.isEmpty else {
            let reason = object?["error"]?.stringValue ?? "HTTP \(response.status)"
            let description = object?["error_description"]?.stringValue?.split(separator: "\n").first.map(String.init)
            throw PartnerCenterError(
                kind: .authentication, status: response.status, code: reason, detail: description ?? reason
            ).redacted(by: redactor)
        }
        let lifetime = object?["expires_in"]?.scalarText.flatMap(Double.init) ?? 3600
        let early = min(60, lifetime / 10)
        expiresAt = clock.date().addingTimeInterval(lifetime)
        return (token, clock.date().addingTimeInterval(lifetime - early))
    }

    /// Masks what this provider holds: the client secret and the refresh token.
    private var redactor: Redactor {
        var secrets = [clientSecret]
        if case .refreshToken(let token) = grant { secrets.append(token) }
        if let token = current?.token { secrets.append(token) }
        return Redactor(secrets: secrets)
    }

    private static func formEncode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
