import Foundation
import PartnerCenter
import PartnerCenterSimulator
import Testing

@Suite("Tokens and secrets")
struct AuthenticationTests {
    private static let secret = "sandbox-secret"
    private static let refreshToken = "sandbox-refresh-token"

    private func entra(_ grant: EntraTokenProvider.Grant, secret: String = secret)
        -> (AsyncHTTPClientTransport, ManualClock, String) -> any TokenProvider
    {
        { transport, clock, baseURL in
            EntraTokenProvider(
                authority: baseURL, tenant: "contoso.onmicrosoft.com", clientId: "app-id", clientSecret: secret,
                grant: grant, transport: transport, clock: clock)
        }
    }

    @Test("a token is renewed before it expires, without a failed call", arguments: [false, true])
    func renewBeforeExpiry(appPlusUser: Bool) async throws {
        let fixture = try await ClientFixture.start(
            { $0.tokenLifetime = .seconds(600) },
            tokens: entra(appPlusUser ? .refreshToken(Self.refreshToken) : .clientCredentials))
        try await stopping(fixture) {
            let id = try #require(await fixture.simulator.customerIds().first)
            _ = try await fixture.client.billingProfile(customerId: id, correlationId: "c")
            _ = try await fixture.client.billingProfile(customerId: id, correlationId: "c")
            #expect(await fixture.simulator.stats().tokensIssued == 1)
            fixture.clock.advance(by: .seconds(550))
            _ = try await fixture.client.billingProfile(customerId: id, correlationId: "c")
            let stats = await fixture.simulator.stats()
            #expect(stats.tokensIssued == 2)
            #expect(stats.count("GET /v1/customers/{id}/profiles/billing", status: 401) == 0)
        }
    }

    @Test("a token that expires mid-run is renewed once on its 401 and the call succeeds")
    func renewOn401() async throws {
        let fixture = try await ClientFixture.start(tokens: entra(.clientCredentials))
        try await stopping(fixture) {
            let id = try #require(await fixture.simulator.customerIds().first)
            _ = try await fixture.client.billingProfile(customerId: id, correlationId: "c")
            _ = try await fixture.transport.send(
                HTTPRequest(method: "POST", url: fixture.simulator.baseURL + "/_sandbox/tokens/expire"),
                timeout: .seconds(5))
            let profile = try await fixture.client.billingProfile(customerId: id, correlationId: "c")
            #expect(profile.etag != nil)
            let stats = await fixture.simulator.stats()
            #expect(stats.tokensIssued == 2)
            #expect(stats.count("GET /v1/customers/{id}/profiles/billing", status: 401) == 1)
        }
    }

    @Test("a refused secret fails as an authentication error that names the fix")
    func badSecret() async throws {
        let fixture = try await ClientFixture.start(tokens: entra(.clientCredentials, secret: "wrong-secret"))
        try await stopping(fixture) {
            let id = try #require(await fixture.simulator.customerIds().first)
            await #expect {
                _ = try await fixture.client.billingProfile(customerId: id, correlationId: "c")
            } throws: { error in
                let error = error as! PartnerCenterError
                return error.kind == .authentication && error.summary.contains("check the credentials")
                    && !error.description.contains("wrong-secret")
            }
        }
    }

    @Test("no secret reaches the log, even at trace level, on success and on failure")
    func secretsStayOutOfLogs() async throws {
        let log = CapturedLog()
        let fixture = try await ClientFixture.start(
            { $0.faults.serverErrorRate = 0.3 }, tokens: entra(.refreshToken(Self.refreshToken)), logger: log.logger())
        try await stopping(fixture) {
            for id in await fixture.simulator.customerIds().prefix(10) {
                _ = try? await fixture.client.billingProfile(customerId: id, correlationId: "c")
            }
            _ = try? await fixture.client.billingProfile(
                customerId: "11111111-2222-3333-4444-555555555555", correlationId: "c")
            let lines = log.all
            #expect(lines.count > 20)
            let issued = await fixture.simulator.stats().tokensIssued
            #expect(issued >= 1)
            for line in lines {
                #expect(!line.contains(Self.secret))
                #expect(!line.contains(Self.refreshToken))
                #expect(!line.contains("sim-"), "an issued token appears in: \(line)")
                #expect(!line.lowercased().contains("bearer"))
            }
        }
    }
}
