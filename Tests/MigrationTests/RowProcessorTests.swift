import AddressRules
import CSVReading
import Foundation
import JSONDocument
import Logging
import PartnerCenter
import Synchronization
import Testing

@testable import Migration

/// A Partner Center that keeps one profile and answers PUTs as a script says. Its reads answer
/// 200 and its writes 201, so that a row's recorded status shows which answer decided it.
final class ScriptedService: ServesNoRules {
    enum PutAnswer: Sendable {
        case accept
        case stale
        /// The write lands, but no answer comes back.
        case landsWithoutAnswer
        /// The write lands with every value upper-cased, as a standardizing service stores it.
        case storesUpperCased
        /// The write lands; the success answer has no body.
        case emptyAnswer
        /// A success answer, but nothing is stored.
        case ignores
        /// A stale-ETag refusal although the ETag sent is the current one.
        case refusesCurrentETag
    }

    private struct State {
        var profile: JSONObject
        var version = 0
        var answers: [PutAnswer]
        var puts: [JSONObject] = []
        var gets = 0
        var editAfterFirstRead: (field: String, value: String)?
    }

    private let state: Mutex<State>

    /// When set, every read fails this way.
    let readFailure: PartnerCenterError?

    init(
        address: JSONObject, answers: [PutAnswer], editAfterFirstRead: (field: String, value: String)? = nil,
        readFailure: PartnerCenterError? = nil
    ) {
        self.readFailure = readFailure
        var profile = JSONObject()
        profile["defaultAddress"] = .object(address)
        profile["attributes"] = .object(JSONObject([.init(key: "etag", value: .string("v0"))]))
        profile["keepMe"] = .number("1.50")
        state = Mutex(State(profile: profile, answers: answers, editAfterFirstRead: editAfterFirstRead))
    }

    var puts: [JSONObject] { state.withLock { $0.puts } }
    var gets: Int { state.withLock { $0.gets } }

    /// Another writer changes `field`.
    private static func otherWriter(_ state: inout State, _ field: String, _ value: String) {
        var address = state.profile["defaultAddress"]!.objectValue!
        address[field] = .string(value)
        state.profile["defaultAddress"] = .object(address)
        state.version += 1
        state.profile["attributes"] = .object(JSONObject([.init(key: "etag", value: .string("v\(state.version)"))]))
    }

    func billingProfile(customerId: String, correlationId: String) async throws(PartnerCenterError) -> BillingProfile {
        if let readFailure { throw readFailure }
        return state.withLock { state in
            state.gets += 1
            var answer = BillingProfile(document: state.profile)
            answer.httpStatus = 200
            if let edit = state.editAfterFirstRead {
                state.editAfterFirstRead = nil
                Self.otherWriter(&state, edit.field, edit.value)
            }
            return answer
        }
    }

    func updateBillingProfile(customerId: String, profile: BillingProfile, correlationId: String)
        async throws(PartnerCenterError) -> BillingProfile?
    {
        let outcome: Result<BillingProfile?, PartnerCenterError> = state.withLock { state in
            state.puts.append(profile.document)
            let answer = state.answers.isEmpty ? .accept : state.answers.removeFirst()
            if answer == .stale || answer == .refusesCurrentETag || profile.etag != "v\(state.version)" {
                return .failure(PartnerCenterError(kind: .http, status: 412, code: "2055"))
            }
            if answer == .ignores { return .success(Self.written(state.profile)) }
            state.version += 1
            var stored = profile.document
            if answer == .storesUpperCased, var address = stored["defaultAddress"]?.objectValue {
                for member in address.members {
                    if let text = member.value.stringValue { address[member.key] = .string(text.uppercased()) }
                }
                stored["defaultAddress"] = .object(address)
            }
            stored["attributes"] = .object(JSONObject([.init(key: "etag", value: .string("v\(state.version)"))]))
            state.profile = stored
            if answer == .landsWithoutAnswer {
                return .failure(PartnerCenterError(kind: .transport(ambiguous: true), detail: "connection dropped"))
            }
            return .success(answer == .emptyAnswer ? nil : Self.written(stored))
        }
        return try outcome.get()
    }

    /// The answer to a write: the profile, status 201.
    private static func written(_ document: JSONObject) -> BillingProfile {
        var profile = BillingProfile(document: document)
        profile.httpStatus = 201
        return profile
    }
}

@Suite("RowProcessor with a scripted Partner Center")
struct RowProcessorTests {
    static let address = JSONObject([
        .init(key: "addressLine1", value: .string("1 Microsoft Way")), .init(key: "city", value: .string("Redmond")),
        .init(key: "state", value: .string("WA")), .init(key: "postalCode", value: .string("98052")),
        .init(key: "country", value: .string("US")),
    ])

    private func row() throws -> InputRow {
        let header = try HeaderMap(header: ["customerId", "city"], line: 1, ignoreUnknown: false, path: "in.csv")
        return InputRow(
            record: .init(line: 2, fields: ["3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01", "Bellevue"]), header: header)
    }

    private func processor(_ service: ScriptedService, journal: Journal?) -> RowProcessor {
        RowProcessor(
            service: service, planner: Planner(), rules: CountryRulesCache(service: service), journal: journal,
            maxConflictRetries: 3, logger: Logger(label: "test"))
    }

    private func process(_ service: ScriptedService, journal: Journal?, intent: JournalEntry.Intent? = nil) async throws
        -> RowResult
    {
        await processor(service, journal: journal).process(try row(), customerId: "c", pendingIntent: intent).result
    }

    private func journal() throws -> Journal {
        try Journal.open(path: FileManager.default.temporaryDirectory.appendingPathComponent("j-\(UUID())").path).0
    }

    @Test("a stale ETag from a writer who changed another field: re-read, re-applied on top, their change kept")
    func conflictElsewhere() async throws {
        let service = ScriptedService(address: Self.address, answers: [], editAfterFirstRead: ("phoneNumber", "+1 555"))
        let outcome = try await process(service, journal: try journal())
        #expect(outcome.outcome == .applied)
        #expect(outcome.httpStatus == 201, "the status of the write's answer")
        #expect(service.puts.count == 2)
        let final = try await service.billingProfile(customerId: "c", correlationId: "").address
        #expect(final[.city] == "Bellevue")
        #expect(final[.phoneNumber] == "+1 555")
    }

    @Test("a PUT that landed without an answer is read back and counted applied, never sent twice")
    func ambiguousWrite() async throws {
        let service = ScriptedService(address: Self.address, answers: [.landsWithoutAnswer])
        let outcome = try await process(service, journal: try journal())
        #expect(outcome.outcome == .applied)
        #expect(outcome.httpStatus == 200, "the write's answer never came: the read back's status")
        #expect(service.puts.count == 1)
        #expect(service.puts[0]["keepMe"] == .number("1.50"))
    }

    @Test("a writer who changed the same field wins: conflict, nothing overwritten")
    func conflictSameField() async throws {
        let service = ScriptedService(address: Self.address, answers: [], editAfterFirstRead: ("city", "Kirkland"))
        let outcome = try await process(service, journal: try journal())
        #expect(outcome.outcome == .conflict)
        #expect(outcome.errors.first?.message.contains("city is now 'Kirkland'") == true)
        #expect(service.puts.count == 1)
        #expect(try await service.billingProfile(customerId: "c", correlationId: "").address[.city] == "Kirkland")
    }

    @Test("a write in doubt from an earlier run is settled by reading back, with no PUT")
    func pendingIntent() async throws {
        var landed = Self.address
        landed["city"] = .string("Bellevue")
        let service = ScriptedService(address: landed, answers: [])
        var before = AddressFields()
        before[.city] = "Redmond"
        var after = AddressFields()
        after[.city] = "Bellevue"
        let intent = JournalEntry.Intent(
            line: 2, customer: "c", correlationId: "k", etag: "v0", before: before, after: after)
        let outcome = try await process(service, journal: try journal(), intent: intent)
        #expect(outcome.outcome == .applied)
        #expect(outcome.warnings.map(\.code.rawValue) == ["resolved-by-read-back"])
        #expect(service.puts.isEmpty)
    }

    @Test("a spent retry budget stops the run and leaves the row unfinished; a 404 is a final failure")
    func budgetAndFailures() async throws {
        let outage = ScriptedService(
            address: Self.address, answers: [],
            readFailure: PartnerCenterError(kind: .retryBudgetExhausted, status: 503))
        let processor = RowProcessor(
            service: outage, planner: Planner(), rules: CountryRulesCache(service: outage), journal: try journal(),
            maxConflictRetries: 3, logger: Logger(label: "test"))
        let stopped = await processor.process(try row(), customerId: "c", pendingIntent: nil)
        #expect(stopped.stop != nil)
        #expect(stopped.result.outcome == .skipped)
        let missing = ScriptedService(
            address: Self.address, answers: [], readFailure: PartnerCenterError(kind: .http, status: 404, code: "60003")
        )
        let failed = try await process(missing, journal: try journal())
        #expect(failed.outcome == .failed)
        #expect(failed.partnerCenterCode == "60003")
    }

    @Test("a value Partner Center stores in its own form: applied, warned, and the stored form recorded")
    func storedDifferently() async throws {
        let service = ScriptedService(address: Self.address, answers: [.storesUpperCased])
        let journal = try journal()
        let outcome = try await process(service, journal: journal)
        #expect(outcome.outcome == .applied)
        #expect(outcome.warnings.map(\.code.rawValue) == ["stored-differently"])
        #expect(outcome.warnings.first?.message.contains("'Bellevue' is stored as 'BELLEVUE'") == true)
        #expect(outcome.changes.first?.after == "BELLEVUE")
        #expect(outcome.stored[.city] == "BELLEVUE")
        #expect(service.puts.count == 1)
    }

    @Test("a success answer that did not store the value: failed, nothing retried")
    func notStored() async throws {
        let service = ScriptedService(address: Self.address, answers: [.ignores])
        let outcome = try await process(service, journal: try journal())
        #expect(outcome.outcome == .failed)
        #expect(outcome.errors.map(\.code.rawValue) == ["not-stored"])
        #expect(service.puts.count == 1)
    }

    @Test("a success answer without a body is settled by one read-back")
    func emptyAnswer() async throws {
        let service = ScriptedService(address: Self.address, answers: [.emptyAnswer])
        let outcome = try await process(service, journal: try journal())
        #expect(outcome.outcome == .applied)
        #expect(service.gets == 2)
        #expect(service.puts.count == 1)
    }

    @Test("a stale-ETag refusal of the current ETag stops the run after one PUT, naming --etag-in")
    func etagRefused() async throws {
        let service = ScriptedService(address: Self.address, answers: [.refusesCurrentETag, .refusesCurrentETag])
        let processed = await processor(service, journal: try journal()).process(
            try row(), customerId: "c", pendingIntent: nil)
        guard case .etagRefused(let message) = try #require(processed.stop) else {
            Issue.record("stopped for another reason: \(String(describing: processed.stop))")
            return
        }
        #expect(message.contains("--etag-in both"))
        #expect(processed.result.outcome == .skipped)
        #expect(service.puts.count == 1)
    }

    @Test("access refused on two rows in a row stops the run; a customer without a relationship does not count")
    func accessRefused() async throws {
        let forbidden = ScriptedService(
            address: Self.address, answers: [], readFailure: PartnerCenterError(kind: .http, status: 403, code: "2032"))
        let refusing = processor(forbidden, journal: try journal())
        let first = await refusing.process(try row(), customerId: "c", pendingIntent: nil)
        #expect(first.stop == nil)
        #expect(first.result.outcome == .failed)
        let second = await refusing.process(try row(), customerId: "c", pendingIntent: nil)
        guard case .accessRefused(let message) = try #require(second.stop) else {
            Issue.record("stopped for another reason: \(String(describing: second.stop))")
            return
        }
        #expect(message.contains("refused access on two rows in a row"))
        #expect(second.result.outcome == .skipped)
        let unrelated = ScriptedService(
            address: Self.address, answers: [], readFailure: PartnerCenterError(kind: .http, status: 403, code: "20002")
        )
        let customers = processor(unrelated, journal: try journal())
        for _ in 0..<3 {
            #expect(await customers.process(try row(), customerId: "c", pendingIntent: nil).stop == nil)
        }
    }
}
