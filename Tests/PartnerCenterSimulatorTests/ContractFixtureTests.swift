import Foundation
import JSONDocument
import PartnerCenter
import PartnerCenterSimulator
import Testing

/// The simulator held to Partner Center's documents, not to the client: its answers to the
/// documented requests have the documented responses' shape.
@Suite("Simulator: the documented requests and responses")
struct ContractFixtureTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/PartnerCenterDocs")

    static func fixture(_ name: String) throws -> JSONObject {
        let bytes = Array(try Data(contentsOf: folder.appendingPathComponent(name)))
        return try #require(try JSONValue(parsing: bytes).objectValue)
    }

    /// Member names and value types, at every depth, member order aside.
    static func shape(_ value: JSONValue) -> String {
        switch value {
        case .object(let object):
            "{" + object.members.map { "\($0.key):\(shape($0.value))" }.sorted().joined(separator: ",") + "}"
        case .array(let elements): "[" + (elements.first.map(shape) ?? "") + "]"
        case .string: "string"
        case .number: "number"
        case .bool: "bool"
        case .null: "null"
        }
    }

    static let customer = "0b6f2e3c-1d2a-4e5f-8a9b-0c1d2e3f4a5b"

    private func harness() async throws -> Harness {
        let documented = try Self.fixture("get-billing-profile.response.json")
        return try await Harness.start {
            $0.seedCustomers = [SeedCustomer(customerId: Self.customer, profile: documented)]
        }
    }

    @Test("GET billing profile answers 200 with the documented response's shape")
    func getProfile() async throws {
        let harness = try await harness()
        defer { Task { await harness.stop() } }
        let response = try await harness.send("GET", harness.profilePath(Self.customer))
        #expect(response.status == 200)
        let documented = try Self.fixture("get-billing-profile.response.json")
        #expect(Self.shape(.object(try harness.json(response))) == Self.shape(.object(documented)))
    }

    @Test("the documented PascalCase PUT, with explicit nulls, answers 200 with the documented response's shape")
    func putProfile() async throws {
        let harness = try await harness()
        defer { Task { await harness.stop() } }
        let read = try harness.json(try await harness.send("GET", harness.profilePath(Self.customer)))
        let etag = try #require(read["attributes"]?.objectValue?["etag"]?.stringValue)
        let request = String(
            decoding: try Data(contentsOf: Self.folder.appendingPathComponent("update-billing-profile.request.json")),
            as: UTF8.self
        ).replacingOccurrences(of: "<etag>", with: etag)
        let response = try await harness.send(
            "PUT", harness.profilePath(Self.customer),
            headers: [("If-Match", "\"\(etag)\""), ("Content-Type", "application/json")], body: request)
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
        let documented = try Self.fixture("update-billing-profile.response.json")
        #expect(Self.shape(.object(try harness.json(response))) == Self.shape(.object(documented)))
        let stored = try harness.json(try await harness.send("GET", harness.profilePath(Self.customer)))
        #expect(stored["defaultAddress"]?.objectValue?["addressLine2"] == nil)
        #expect(stored["defaultAddress"]?.objectValue?["city"] == .string("Redmond"))
    }

    @Test("GET customer by ID answers the documented response's members, its billing profile included")
    func getCustomer() async throws {
        let harness = try await harness()
        defer { Task { await harness.stop() } }
        let response = try await harness.send("GET", "/v1/customers/\(Self.customer)")
        #expect(response.status == 200)
        let answer = try harness.json(response)
        let documented = try Self.fixture("get-customer-by-id.response.json")
        for member in ["id", "companyProfile", "billingProfile", "relationshipToPartner", "attributes"] {
            #expect(answer[member] != nil, "\(member)")
            #expect(documented[member] != nil, "\(member)")
        }
        let company = try #require(answer["companyProfile"]?.objectValue)
        for member in ["tenantId", "domain", "companyName"] { #expect(company[member]?.stringValue != nil) }
        #expect(
            Self.shape(answer["billingProfile"]!)
                == Self.shape(.object(try Self.fixture("get-billing-profile.response.json"))))
    }

    @Test("the documented bodies parse as the client reads them")
    func clientReadsFixtures() throws {
        for name in ["get-billing-profile.response.json", "update-billing-profile.response.json"] {
            let profile = BillingProfile(document: try Self.fixture(name))
            #expect(profile.etag != nil, "\(name)")
        }
        let customer = try #require(Customer(document: try Self.fixture("get-customer-by-id.response.json")))
        #expect(customer.id == "eebd1b55-5360-4438-a11d-5c06918c3014")
        #expect(customer.domain == "abcdefgh1234.ccsctp.net")
        #expect(customer.billingProfile?.document["defaultAddress"]?.objectValue?["city"] == .string("redmond"))
        #expect(customer.billingProfile?.etag != nil)
    }
}
