import AddressRules
import Foundation
import JSONDocument
import PartnerCenter
import PartnerCenterSimulator
import Testing

@Suite("PartnerCenterClient against the simulator, over HTTP")
struct ClientAgainstSimulatorTests {
    @Test("a round trip changes only the address field it patches and keeps every unknown field exactly")
    func roundTripKeepsUnknownFields() async throws {
        let fixture = try await ClientFixture.start()
        try await stopping(fixture) {
            let id = try #require(await fixture.simulator.customerIds().first)
            let before = try await fixture.client.billingProfile(customerId: id, correlationId: "c-1")
            let changed = before.applying([.city: .set("Bellevue"), .addressLine2: .clear])
            let after = try #require(
                try await fixture.client.updateBillingProfile(customerId: id, profile: changed, correlationId: "c-1"))
            #expect(after.address[.city] == "Bellevue")
            #expect(after.address[.addressLine2] == nil)
            #expect(after.etag != before.etag)
            var expected = changed.document
            expected[anyCase: "attributes"] = after.document[anyCase: "attributes"]
            // Partner Center leaves null members out of what it stores and answers.
            var address = try #require(expected[anyCase: "defaultAddress"]?.objectValue)
            for member in address.members where member.value == .null { address[member.key] = nil }
            expected[anyCase: "defaultAddress"] = .object(address)
            #expect(JSONValue.object(after.document).text == JSONValue.object(expected).text)
            let stored = try #require(await fixture.simulator.simulator.profile(id))
            #expect(stored[anyCase: "billingAccountReference"] == before.document[anyCase: "billingAccountReference"])
            #expect(stored[anyCase: "defaultAddress"]?.objectValue?["extensionData"] != nil)
            #expect(await fixture.simulator.stats().droppedFieldPuts == 0)
        }
    }

    @Test("a stale ETag is refused with 412 and reads as a conflict")
    func staleETag() async throws {
        let fixture = try await ClientFixture.start()
        try await stopping(fixture) {
            let id = try #require(await fixture.simulator.customerIds().first)
            let read = try await fixture.client.billingProfile(customerId: id, correlationId: "c-2")
            await fixture.simulator.simulator.edit(
                customerId: id, fields: JSONObject([.init(key: "addressLine1", value: .string("1 Other Writer Way"))]))
            await #expect {
                _ = try await fixture.client.updateBillingProfile(
                    customerId: id, profile: read.applying([.city: .set("Kirkland")]), correlationId: "c-2")
            } throws: { error in
                let error = error as! PartnerCenterError
                return error.isConflict && error.status == 412 && error.requestId != nil
            }
            #expect(await fixture.simulator.stats().stalePuts == 1)
        }
    }

    @Test("404, 403 and 400 carry their Partner Center codes and are not retried")
    func errorMapping() async throws {
        let forbidden = "0b7e2a4c-3f1d-4e5a-9c8b-1a2b3c4d5e6f"
        let fixture = try await ClientFixture.start { $0.forbiddenCustomers = [forbidden] }
        try await stopping(fixture) {
            func failure(_ call: () async throws -> Void) async -> PartnerCenterError? {
                do {
                    try await call()
                    return nil
                } catch {
                    return error as? PartnerCenterError
                }
            }
            let missing = await failure {
                _ = try await fixture.client.billingProfile(
                    customerId: "11111111-2222-3333-4444-555555555555", correlationId: "c")
            }
            #expect(missing?.status == 404)
            #expect(missing?.code == "60003")
            let refused = await failure {
                _ = try await fixture.client.billingProfile(customerId: forbidden, correlationId: "c")
            }
            #expect(refused?.status == 403)
            #expect(refused?.code == "20002")
            #expect(refused?.summary.contains("may not manage this customer") == true)
            var usCustomer: String?
            for id in await fixture.simulator.customerIds() where usCustomer == nil {
                let country = await fixture.simulator.simulator.profile(id)?[anyCase: "defaultAddress"]?.objectValue?[
                    "country"]
                if country == .string("US") { usCustomer = id }
            }
            let id = try #require(usCustomer)
            let profile = try await fixture.client.billingProfile(customerId: id, correlationId: "c")
            let rejected = await failure {
                _ = try await fixture.client.updateBillingProfile(
                    customerId: id, profile: profile.applying([.state: .set("PR")]), correlationId: "c")
            }
            #expect(rejected?.status == 400)
            #expect(rejected?.code == "27002")
            #expect(rejected?.detail?.contains("StateInvalid") == true)
            #expect(fixture.clock.sleeps.isEmpty)
        }
    }

    @Test(
        "a 429 waits at least its Retry-After; 429s that go on at any pace are learned by the shared limiter as a baseline"
    )
    func throttling() async throws {
        let fixture = try await ClientFixture.start(
            {
                $0.faults.throttleRate = 1; $0.faults.retryAfterSeconds = 7
            }, maxAttempts: 3)
        try await stopping(fixture) {
            let id = try #require(await fixture.simulator.customerIds().first)
            await #expect(throws: PartnerCenterError.self) {
                _ = try await fixture.client.billingProfile(customerId: id, correlationId: "c")
            }
            let waits = fixture.clock.sleeps.filter { $0 >= .seconds(1) }
            #expect(waits.count >= 2)
            #expect(waits.allSatisfy { $0 >= .seconds(7) })
            #expect(await fixture.limiter.baseline > 0)
            #expect(await fixture.simulator.stats().count("GET /v1/customers/{id}/profiles/billing", status: 429) == 3)
        }
    }

    @Test("5xx answers and dropped connections are retried under the same MS-RequestId")
    func retriesKeepRequestId() async throws {
        let fixture = try await ClientFixture.start({
            $0.faults.serverErrorRate = 0.2
            $0.faults.dropRate = 0.15
            $0.generatedCustomers = 40
        })
        try await stopping(fixture) {
            let ids = await fixture.simulator.customerIds()
            for id in ids {
                let profile = try await fixture.client.billingProfile(customerId: id, correlationId: "c-\(id)")
                #expect(profile.etag != nil)
            }
            let log = await fixture.simulator.stats().log.filter { $0.route.hasPrefix("GET /v1/customers") }
            let byCustomer = Dictionary(grouping: log, by: { $0.customerId ?? "" })
            #expect(byCustomer.count == ids.count)
            var retried = 0
            var dropped = 0
            for (_, attempts) in byCustomer {
                #expect(Set(attempts.map(\.requestId)).count == 1)
                #expect(attempts.last?.status == 200)
                if attempts.count > 1 { retried += 1 }
                dropped += attempts.filter { $0.status == 0 }.count
            }
            #expect(retried > 0)
            #expect(dropped > 0)
        }
    }
}
