import AddressRules
import Foundation
import PartnerCenter

/// One customer to export, in the order of the exported file.
struct ExportItem: Sendable {
    /// The customer's line in the `--customers` file, or its position in the partner's list.
    var line: Int
    /// The customer as normalized (as written when it is not a GUID).
    var customerId: String
    /// Why the customer cannot be read (a cell that is not a GUID, a malformed row); `nil` when it can.
    var issues: [RowIssue] = []
    /// The line of an earlier row for the same customer: this one is a repeat.
    var repeatOf: Int?
    /// What the partner's list said of the customer (`--all`).
    var companyName: String?
    var domain: String?
}

/// The customers an export reads: the `customerId` column of a CSV file, or every customer of the
/// partner, page by page. Used from one task (the run's loop).
protocol ExportSource: AnyObject {
    /// The next customer, or `nil` after the last.
    /// - Throws: ``InputError`` for a file that cannot be read on, ``RunRefusal`` when the
    ///   partner's customer list cannot be read.
    func next() async throws -> ExportItem?
}

/// `export --customers FILE`: any CSV with a `customerId` column (other columns are ignored), in
/// file order; a customer listed again is marked as a repeat.
final class CustomerFileSource: ExportSource {
    private let rows: RowStream
    private var seen: [String: Int] = [:]

    init(path: String, options: InputFile.Options) {
        var options = options
        options.ignoreUnknownColumns = true
        rows = RowStream(path: path, options: options)
    }

    func next() async throws -> ExportItem? {
        guard let row = try await rows.next() else { return nil }
        var item = ExportItem(line: row.line, customerId: row.customerLabel)
        guard row.customerId != nil else {
            item.issues = row.issues.filter { $0.code.isMalformedInput || $0.code == .customerIdFormat }
            return item
        }
        if let earlier = seen[row.customerLabel] {
            item.repeatOf = earlier
        } else {
            seen[row.customerLabel] = row.line
        }
        return item
    }
}

/// `export --all`: `GET /v1/customers` page by page (500 a page, Partner Center's largest), the
/// next page asked for while the current one is exported. A customer a later page lists again is
/// a repeat; a continuation that comes back again, or ``barrenPagesToStop`` pages in a row that
/// bring no customer not listed before, end the run (a service paging in a loop, with fresh tokens
/// or without); once the run stops, no further page is asked for.
final class CustomerListSource: ExportSource {
    static let pageSize = 500

    private let service: any ProfileService
    private var page: [Customer] = []
    private var nextPage: Task<CustomerPage, any Error>?
    private var position = 0
    private var seen: [String: Int] = [:]
    private var continuations: Set<String> = []
    /// Pages in a row that brought no customer not listed before.
    private var barrenPages = 0
    static let barrenPagesToStop = 3
    private let stop: StopSignal

    init(service: any ProfileService, stop: StopSignal) {
        self.service = service
        self.stop = stop
        nextPage = fetch(after: nil)
    }

    deinit { nextPage?.cancel() }

    func next() async throws -> ExportItem? {
        while page.isEmpty {
            guard let task = nextPage else { return nil }
            if stop.stopReason != nil {
                // Stopped: no page after the one in hand (the journal has what was exported).
                task.cancel()
                nextPage = nil
                return nil
            }
            let answer: CustomerPage
            do {
                answer = try await task.value
            } catch {
                nextPage = nil
                let why = (error as? PartnerCenterError)?.summary ?? "\(error)"
                throw RunRefusal(
                    .unavailable,
                    "the partner's customer list could not be read after \(position) customers (\(why)). The "
                        + "customers read so far are in the journal; run the same command again to go on.")
            }
            let bringsNew = answer.customers.contains { seen[CustomerID($0.id).map(\.description) ?? $0.id] == nil }
            barrenPages = bringsNew ? 0 : barrenPages + 1
            if barrenPages >= Self.barrenPagesToStop, answer.next != nil {
                throw RunRefusal(
                    .unavailable,
                    "Partner Center's customer list gave \(barrenPages) pages in a row with no customer it had not "
                        + "listed before, after \(position) customers; the export stops instead of reading in a loop. "
                        + "Run again later, or export with --customers.")
            }
            nextPage = try answer.next.map { next in
                let key = next.path + next.headers.map { "\n\($0.name): \($0.value)" }.joined()
                guard continuations.insert(key).inserted else {
                    throw RunRefusal(
                        .unavailable,
                        "Partner Center's customer list pointed back to a page it had already given (\(next.path)) "
                            + "after \(position) customers; the export stops instead of reading in a loop. Run again "
                            + "later, or export with --customers.")
                }
                return fetch(after: next)
            }
            page = answer.customers.reversed()
        }
        let customer = page.removeLast()
        position += 1
        guard let id = CustomerID(customer.id).map(\.description) else {
            // Never fetched: an id that is not a GUID would put a path the server chose in a request.
            return ExportItem(
                line: position, customerId: customer.id,
                issues: [
                    RowIssue(
                        .customerIdFormat, field: "customerId",
                        "Partner Center's customer list gave an id that is not a GUID ('\(VisibleText.escaped(customer.id))'); "
                            + "it is not read. Report it to Microsoft if it persists.")
                ])
        }
        var item = ExportItem(
            line: position, customerId: id, companyName: customer.companyName, domain: customer.domain)
        if let earlier = seen[id] { item.repeatOf = earlier } else { seen[id] = position }
        return item
    }

    private func fetch(after continuation: CustomerPage.Continuation?) -> Task<CustomerPage, any Error> {
        let service = self.service
        return Task { @Sendable () async throws -> CustomerPage in
            try await Self.page(of: service, after: continuation)
        }
    }

    private static func page(of service: any ProfileService, after continuation: CustomerPage.Continuation?)
        async throws -> CustomerPage
    {
        try await service.customerPage(
            after: continuation, size: pageSize, correlationId: UUID().uuidString.lowercased())
    }
}
