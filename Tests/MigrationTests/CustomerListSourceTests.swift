import PartnerCenter
import Synchronization
import Testing

@testable import Migration

/// A customer list that hands out a fresh continuation token on every page, with customers on the
/// first page only: a service paging in a loop that an exact repeat of a token does not catch.
final class EndlessPages: ServesNoRules {
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

    func billingProfile(customerId: String, correlationId: String) async throws(PartnerCenterError) -> BillingProfile {
        throw PartnerCenterError(kind: .http, status: 404)
    }

    func updateBillingProfile(customerId: String, profile: BillingProfile, correlationId: String)
        async throws(PartnerCenterError) -> BillingProfile?
    {
        nil
    }
}

@Suite("export --all: the customer list, page by page", .timeLimit(.minutes(1)))
struct CustomerListSourceTests {
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
