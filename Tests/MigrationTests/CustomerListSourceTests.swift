import Logging
import PartnerCenter
import Synchronization
import Testing

@testable import Migration

/// A fake Partner Center with customers to list or read but no billing profile to read (404) or
/// write.
protocol NoProfiles: ServesNoRules {}

extension NoProfiles {
    func billingProfile(customerId: String, correlationId: String) async throws(PartnerCenterError) -> BillingProfile {
        throw PartnerCenterError(kind: .http, status: 404)
    }

    func updateBillingProfile(customerId: String, profile: BillingProfile, correlationId: String)
        async throws(PartnerCenterError) -> BillingProfile?
    {
        nil
    }
}

/// A customer list that hands out a fresh continuation token on every page, with customers on the
/// first page only: a service paging in a loop that an exact repeat of a token does not catch.
final class EndlessPages: NoProfiles {
    private let pages = Mutex(0)

    var pagesAsked: Int { pages.withLock { $0 } }

    func customerPage(after continuation: CustomerPage.Continuation?, size: Int, correlationId: String)
        async throws(PartnerCenterError) -> CustomerPage
    {
        let page = pages.withLock { pages in
            pages += 1
            return pages
        }
        let customers =
            page == 1
            ? [
                Customer(id: "3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01"),
                Customer(id: "3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c02"),
            ]
            : []
        let next = CustomerPage.Continuation(
            path: "/v1/customers?seekOperation=Next", headers: [.init(name: "MS-ContinuationToken", value: "t\(page)")])
        return CustomerPage(customers: customers, next: next)
    }
}

/// One page of customers, as given: ids that are not GUIDs among them.
struct OnePage: NoProfiles {
    let ids: [String]

    func customerPage(after continuation: CustomerPage.Continuation?, size: Int, correlationId: String)
        async throws(PartnerCenterError) -> CustomerPage
    {
        CustomerPage(customers: ids.map { Customer(id: $0) }, next: nil)
    }
}

@Suite("export --all: the customer list, page by page", .timeLimit(.minutes(1)))
struct CustomerListSourceTests {
    @Test("a listed id that is not a GUID is reported, never put in a request path")
    func idNotAGuid() async throws {
        let source = CustomerListSource(
            service: OnePage(ids: ["not-a-guid/../../x", "3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01"]), stop: StopSignal())
        let first = try #require(try await source.next())
        #expect(first.issues.map(\.code) == [.customerIdFormat])
        #expect(first.issues.first?.message.contains("not-a-guid/../../x") == true)
        let second = try #require(try await source.next())
        #expect(second.issues.isEmpty && second.customerId == "3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01")
    }

    @Test("pages that bring no new customer end the export after three in a row, whatever their tokens")
    func barrenPagesEndIt() async throws {
        let service = EndlessPages()
        let source = CustomerListSource(service: service, stop: StopSignal())
        var listed = 0
        await #expect {
            while try await source.next() != nil { listed += 1 }
        } throws: { error in
            (error as? RunRefusal)?.message.contains("3 pages in a row with no customer") == true
        }
        #expect(listed == 2)
        #expect(service.pagesAsked <= 5, "asked \(service.pagesAsked) pages")
    }

    @Test("once the run stops, no further page is asked for")
    func stopEndsPaging() async throws {
        let service = EndlessPages()
        let stop = StopSignal()
        let source = CustomerListSource(service: service, stop: stop)
        #expect(try await source.next() != nil)
        #expect(try await source.next() != nil)
        stop.stop(.deadline(.seconds(5)))
        #expect(try await source.next() == nil)
        #expect(service.pagesAsked <= 2, "the page in hand at most, none after it")
    }
}

/// A customer read that answers with what `answer` makes of the id asked.
struct OddCustomer: NoProfiles {
    let answer: @Sendable (String) -> Customer

    func customer(id: String, correlationId: String) async throws(PartnerCenterError) -> Customer { answer(id) }
}

@Suite("export: only what was asked for is exported")
struct ExportAnswerTests {
    static let asked = "3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01"

    static func export(_ service: OddCustomer) async -> RowResult {
        let processor = RowProcessor(
            service: service, planner: Planner(), rules: CountryRulesCache(service: service), journal: nil,
            maxConflictRetries: 0, logger: Logger(label: "test"))
        return await processor.export(ExportItem(line: 1, customerId: asked)).result
    }

    static func profile(_ json: String) -> BillingProfile? { try? BillingProfile(json: Array(json.utf8)) }

    @Test("an answer about another customer is failed, and none of it exported")
    func anotherCustomer() async {
        let result = await Self.export(
            OddCustomer { _ in
                Customer(
                    id: "3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c02",
                    billingProfile: Self.profile(#"{"defaultAddress":{"city":"Elsewhere","country":"US"}}"#))
            })
        #expect(result.outcome == .failed)
        #expect(result.current == nil)
        #expect(result.errors.first?.message.contains("another customer") == true)
    }

    @Test("a billing profile without defaultAddress is failed, not a row of empty cells")
    func noAddress() async {
        let result = await Self.export(
            OddCustomer { id in Customer(id: id, billingProfile: Self.profile(#"{"email":"a@example.com"}"#)) })
        #expect(result.outcome == .failed)
        #expect(result.errors.first?.message.contains("without a defaultAddress") == true)
        let whole = await Self.export(
            OddCustomer { id in
                Customer(id: id, billingProfile: Self.profile(#"{"defaultAddress":{"city":"Oslo","country":"NO"}}"#))
            })
        #expect(whole.outcome == .exported)
    }
}
