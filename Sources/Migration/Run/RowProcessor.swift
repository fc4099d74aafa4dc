import AddressRules
import Foundation
import Logging
import PartnerCenter

/// Does one row against Partner Center: read, plan, and for `apply` write with the journal, the
/// conflict loop and read-back of doubtful writes.
struct RowProcessor: Sendable {
    let service: any ProfileService
    let planner: Planner
    let rules: CountryRulesCache
    /// `nil` for `plan`: nothing is written.
    let journal: Journal?
    let maxConflictRetries: Int
    var verifyAddress = AddressVerification.off
    let logger: Logger

    /// What became of the row; `stop` when the run must end (retry budget spent, cancelled, the
    /// journal failing), in which case the row is left unfinished for the next run.
    struct Processed: Sendable {
        var result: RowResult
        var stop: String?
    }

    func process(_ row: InputRow, customerId: String, pendingIntent: JournalEntry.Intent?) async -> Processed {
        var (result, logger) = start(line: row.line, customerId: customerId)
        let correlationId = result.correlationId ?? ""
        do {
            var profile = try await service.billingProfile(customerId: customerId, correlationId: correlationId)
            if let landed = await landed(pendingIntent, in: profile, &result, logger: logger) { return landed }
            var plan = try await plan(row, profile: profile, correlationId: correlationId)
            result.changes = plan.diff
            result.warnings = plan.warnings
            switch plan.verdict {
            case .invalid(let issues):
                result.errors = issues
                return await finish(&result, .invalid, logger: logger)
            case .unchanged:
                return await finish(&result, .unchanged, logger: logger)
            case .change:
                guard let journal else {
                    result.snapshot = .init(etag: profile.etag, before: plan.before, after: plan.after)
                    return Processed(result: with(result, .wouldChange), stop: nil)
                }
                var retries = 0
                while true {
                    let intent = JournalEntry.Intent(
                        line: row.line, customer: customerId, correlationId: correlationId, etag: profile.etag,
                        before: plan.before, after: plan.after)
                    switch try await journaledWrite(profile.applying(plan.changes), intent, journal, logger: logger) {
                    case .confirmed:
                        return await finish(&result, .applied, status: 200, logger: logger)
                    case .readBack(let fresh, let error):
                        if Self.holds(fresh.address, plan.after, fields: plan.fields) {
                            return await finish(&result, .applied, status: 200, logger: logger)
                        }
                        let taken = plan.fields.filter { fresh.address[$0] != plan.before[$0] }
                        retries += 1
                        if !taken.isEmpty || retries > maxConflictRetries {
                            result.errors = [Self.conflict(taken, fresh: fresh.address, retries: retries)]
                            result.httpStatus = error.status
                            result.partnerCenterCode = error.code
                            return await finish(&result, .conflict, logger: logger)
                        }
                        profile = fresh
                        plan = try await self.plan(row, profile: fresh, correlationId: correlationId)
                        result.changes = plan.diff
                        result.warnings = plan.warnings
                        if case .invalid(let issues) = plan.verdict {
                            result.errors = issues
                            return await finish(&result, .invalid, logger: logger)
                        }
                        if plan.verdict == .unchanged { return await finish(&result, .unchanged, logger: logger) }
                    }
                }
            }
        } catch let error as PartnerCenterError {
            return await failed(&result, error, logger: logger)
        } catch {
            return Processed(result: with(result, .skipped, note: "\(error)"), stop: "\(error)")
        }
    }

    /// A row's result before anything is known, and its logger with the journal's keys.
    func start(line: Int, customerId: String) -> (RowResult, Logger) {
        let correlationId = UUID().uuidString.lowercased()
        var logger = self.logger
        logger[metadataKey: "line"] = "\(line)"
        logger[metadataKey: "customer"] = "\(customerId)"
        logger[metadataKey: "correlationId"] = "\(correlationId)"
        var result = RowResult(line: line, customerId: customerId, outcome: .failed)
        result.correlationId = correlationId
        return (result, logger)
    }

    /// The row's result when an earlier run's write in doubt (`intent`) turns out to have landed
    /// in `profile`: applied, without writing again. `nil` when it had not.
    func landed(_ intent: JournalEntry.Intent?, in profile: BillingProfile, _ result: inout RowResult, logger: Logger)
        async -> Processed?
    {
        guard let intent, Self.holds(profile.address, intent.after, fields: Self.changed(intent)) else { return nil }
        result.changes = Self.changed(intent).map {
            RowResult.Change(field: $0.rawValue, before: intent.before[$0], after: intent.after[$0])
        }
        result.warnings.append(
            RowIssue(
                .resolvedByReadBack, field: nil,
                "the previous run's write had landed; recorded as applied without writing again"))
        return await finish(&result, .applied, status: 200, logger: logger)
    }

    /// How a journaled write ended, unless it failed outright (thrown).
    enum Written {
        /// Partner Center confirmed it.
        case confirmed
        /// A conflict, or no answer: the profile as read back afterwards, and why.
        case readBack(BillingProfile, PartnerCenterError)
    }

    /// Makes the row's `intent` durable, then PUTs `profile`. A conflict or a write in doubt is
    /// answered by reading the profile back; any other failure is thrown.
    func journaledWrite(_ profile: BillingProfile, _ intent: JournalEntry.Intent, _ journal: Journal, logger: Logger)
        async throws -> Written
    {
        try await journal.append(.intent(intent))
        let failure: PartnerCenterError
        do {
            _ = try await service.updateBillingProfile(
                customerId: intent.customer, profile: profile, correlationId: intent.correlationId)
            return .confirmed
        } catch {
            failure = error
        }
        guard failure.isConflict || failure.kind == .transport(ambiguous: true) else { throw failure }
        logger.info("write not confirmed; reading back", metadata: ["status": "\(failure.status ?? 0)"])
        let fresh = try await service.billingProfile(customerId: intent.customer, correlationId: intent.correlationId)
        return .readBack(fresh, failure)
    }

    /// The row planned against `profile`, with Partner Center's rules for its country, and its
    /// address validation under `--verify-address`.
    /// - Throws: the validation call's error under `--verify-address strict` (the row fails).
    private func plan(_ row: InputRow, profile: BillingProfile, correlationId: String) async throws(PartnerCenterError)
        -> PlannedChange
    {
        let country = row.changes[.country]?.value ?? profile.address[.country]
        let rules =
            if let country { await rules.rules(for: country, correlationId: correlationId) } else {
                nil as ServedRules?
            }
        return try await verified(
            planner.plan(row.changes, current: profile.address, rules: rules), correlationId: correlationId)
    }

    /// `plan` as Partner Center's address validation leaves it: unchanged when verified or not
    /// asked; otherwise with a warning (`report`) or invalid (`strict`).
    private func verified(_ plan: PlannedChange, correlationId: String) async throws(PartnerCenterError)
        -> PlannedChange
    {
        guard verifyAddress != .off, plan.verdict == .change else { return plan }
        var plan = plan
        let answer: AddressValidationResult
        do {
            answer = try await service.validateAddress(plan.after, correlationId: correlationId)
        } catch {
            if verifyAddress == .strict { throw error }
            plan.warnings.append(
                RowIssue(
                    .addressNotVerified, field: nil,
                    "Partner Center's address validation could not be asked (\(error.summary)); the row goes "
                        + "ahead unverified."))
            return plan
        }
        guard !answer.isVerified else { return plan }
        let said =
            "Partner Center's address validation answered \(answer.status)"
            + (answer.validationMessage.map { " (\($0))" } ?? "")
            + (answer.suggestionCount > 0 ? " with \(answer.suggestionCount) suggested address(es)" : "")
        if verifyAddress == .strict {
            plan.verdict = .invalid([
                RowIssue(
                    .addressNotVerified, field: nil,
                    said + "; not written. Correct the address, or run with --verify-address report to write it "
                        + "anyway.")
            ])
        } else {
            plan.warnings.append(
                RowIssue(
                    .addressNotVerified, field: nil, said + "; the row goes ahead as given (--verify-address report)."))
        }
        return plan
    }

    func failed(_ result: inout RowResult, _ error: PartnerCenterError, logger: Logger) async -> Processed {
        result.httpStatus = error.status
        result.partnerCenterCode = error.code
        switch error.kind {
        case .retryBudgetExhausted, .authentication:
            return Processed(result: with(result, .skipped, note: error.summary), stop: error.summary)
        case .transport(ambiguous: false) where error.detail == "cancelled before sending":
            return Processed(result: with(result, .skipped, note: error.summary), stop: "cancelled")
        default:
            result.errors = [RowIssue(.partnerCenter, field: nil, error.summary)]
            return await finish(&result, .failed, status: error.status, logger: logger)
        }
    }

    /// Records the outcome (in the journal, for `apply`) and returns the row's result.
    func finish(_ result: inout RowResult, _ outcome: RowResult.Outcome, status: Int? = nil, logger: Logger)
        async -> Processed
    {
        result.outcome = outcome
        if let status { result.httpStatus = status }
        logger.debug("row done", metadata: ["outcome": "\(result.outcome.rawValue)"])
        guard let journal else { return Processed(result: result, stop: nil) }
        do {
            try await journal.append(
                .outcome(
                    .init(
                        line: result.line, customer: result.customerId, outcome: outcome,
                        correlationId: result.correlationId, status: result.httpStatus, code: result.partnerCenterCode,
                        message: result.errors.first?.message)))
            return Processed(result: result, stop: nil)
        } catch {
            return Processed(result: result, stop: "\(error)")
        }
    }

    func with(_ result: RowResult, _ outcome: RowResult.Outcome, note: String? = nil) -> RowResult {
        var result = result
        result.outcome = outcome
        if let note { result.errors.append(RowIssue(.notFinished, field: nil, note)) }
        return result
    }

    static func changed(_ intent: JournalEntry.Intent) -> [AddressField] {
        AddressField.allCases.filter { intent.before[$0] != intent.after[$0] }
    }

    static func holds(_ address: AddressFields, _ target: AddressFields, fields: [AddressField]) -> Bool {
        !fields.isEmpty && fields.allSatisfy { address[$0] == target[$0] }
    }

    private static func conflict(_ taken: [AddressField], fresh: AddressFields, retries: Int) -> RowIssue {
        guard !taken.isEmpty else {
            return RowIssue(
                .conflict, field: nil,
                "the profile kept changing under the write (\(retries) attempts); nothing was overwritten. Run again.")
        }
        let values = taken.map { "\($0.rawValue) is now '\(fresh[$0] ?? "")'" }.joined(separator: ", ")
        return RowIssue(
            .conflict, field: taken.first?.rawValue,
            "another writer changed this customer's \(taken.map(\.rawValue).joined(separator: ", ")) since it was read "
                + "(\(values)); their value stays. Check it and run the row again if it still needs the change.")
    }
}
