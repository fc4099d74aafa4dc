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
    let logger: Logger

    /// What became of the row; `stop` when the run must end (retry budget spent, cancelled, the
    /// journal failing), in which case the row is left unfinished for the next run.
    struct Processed: Sendable {
        var result: RowResult
        var stop: String?
    }

    func process(_ row: InputRow, customerId: String, pendingIntent: JournalEntry.Intent?) async -> Processed {
        let correlationId = UUID().uuidString.lowercased()
        var logger = self.logger
        logger[metadataKey: "line"] = "\(row.line)"
        logger[metadataKey: "customer"] = "\(customerId)"
        logger[metadataKey: "correlationId"] = "\(correlationId)"
        var result = RowResult(line: row.line, customerId: customerId, outcome: .failed)
        result.correlationId = correlationId
        do {
            var profile = try await service.billingProfile(customerId: customerId, correlationId: correlationId)
            if let intent = pendingIntent, Self.holds(profile.address, intent.after, fields: Self.changed(intent)) {
                result.changes = Self.changed(intent).map {
                    RowResult.Change(field: $0.rawValue, before: intent.before[$0], after: intent.after[$0])
                }
                result.warnings.append(
                    RowIssue(
                        .resolvedByReadBack, field: nil,
                        "the previous run's write had landed; recorded as applied without writing again"))
                return await finish(&result, .applied, status: 200, logger: logger)
            }
            var plan = await plan(row, profile: profile, correlationId: correlationId)
            result.changes = plan.diff
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
                    try await journal.append(
                        .intent(
                            .init(
                                line: row.line, customer: customerId, correlationId: correlationId, etag: profile.etag,
                                before: plan.before, after: plan.after)))
                    let written = await write(
                        profile.applying(plan.changes), customerId: customerId, correlationId: correlationId)
                    switch written {
                    case .success:
                        return await finish(&result, .applied, status: 200, logger: logger)
                    case .failure(let error) where !(error.isConflict || error.kind == .transport(ambiguous: true)):
                        throw error
                    case .failure(let error):
                        logger.info("write not confirmed; reading back", metadata: ["status": "\(error.status ?? 0)"])
                        let fresh = try await service.billingProfile(
                            customerId: customerId, correlationId: correlationId)
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
                        plan = await self.plan(row, profile: fresh, correlationId: correlationId)
                        result.changes = plan.diff
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

    /// The PUT, its failure as a value.
    func write(_ profile: BillingProfile, customerId: String, correlationId: String) async
        -> Result<BillingProfile, PartnerCenterError>
    {
        do {
            return .success(
                try await service.updateBillingProfile(
                    customerId: customerId, profile: profile, correlationId: correlationId))
        } catch {
            return .failure(error)
        }
    }

    /// The row planned against `profile`, with Partner Center's rules for its country.
    private func plan(_ row: InputRow, profile: BillingProfile, correlationId: String) async -> PlannedChange {
        let country = row.changes[.country]?.value ?? profile.address[.country]
        let rules =
            if let country { await rules.rules(for: country, correlationId: correlationId) } else {
                nil as CountryValidationRules?
            }
        return planner.plan(row.changes, current: profile.address, rules: rules)
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
