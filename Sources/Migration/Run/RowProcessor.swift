import AddressRules
import Foundation
import Logging
import PartnerCenter

/// Does one row against Partner Center: read, plan, and for `apply` write with the journal, the
/// conflict loop and read-back of doubtful writes.
struct RowProcessor: Sendable {
    /// The row's calls go through it (in a run, its ``BoundedProfileService``, holding the row's slot).
    var service: any ProfileService
    let planner: Planner
    let rules: CountryRulesCache
    /// `nil` for `plan`: nothing is written.
    let journal: Journal?
    let maxConflictRetries: Int
    var verifyAddress = AddressVerification.off
    /// Where PUTs carry the ETag (named in the message when the service refuses it).
    var etagPlacement = ETagPlacement.both
    /// `apply --plan --trust-etag`: write the plan's documents without reading them first.
    var trustPlannedETags = false
    /// The preflight call when the rows start beside it: no intent is journaled before it passed.
    var preflight: PreflightGate?
    /// Rows refused access one after another, shared by the run's rows.
    let accessRefusals = AccessRefusals()
    let logger: Logger

    /// What became of the row; `stop` when the run must end (retry budget spent, cancelled, the
    /// journal failing), in which case the row is left unfinished for the next run.
    struct Processed: Sendable {
        var result: RowResult
        var stop: StopReason?
    }

    func process(_ row: InputRow, customerId: String, pendingIntent: JournalEntry.Intent?) async -> Processed {
        var (result, logger) = start(line: row.line, customerId: customerId)
        result.inputDigest = row.changesDigest
        let correlationId = result.correlationId ?? ""
        if let country = row.changes[.country]?.value {
            await rules.prefetch(country, correlationId: correlationId)
        }
        do {
            var profile = try await service.billingProfile(customerId: customerId, correlationId: correlationId)
            result.companyName = profile.companyName
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
                guard profile.etag?.isEmpty == false else {
                    // Final, not transient: Partner Center answered (200), without an ETag.
                    result.errors = [Self.noETag]
                    return await finish(&result, .failed, status: profile.httpStatus, logger: logger)
                }
                guard let journal else {
                    result.snapshot = .init(
                        etag: profile.etag, before: plan.before, after: plan.after, profile: profile.document)
                    return Processed(result: with(result, .wouldChange), stop: nil)
                }
                var retries = 0
                while true {
                    let intent = JournalEntry.Intent(
                        line: row.line, customer: customerId, correlationId: correlationId, etag: profile.etag,
                        before: plan.before, after: plan.after)
                    switch try await journaledWrite(profile.applying(plan.changes), intent, journal, logger: logger) {
                    case .confirmed(let stored):
                        return await landed(
                            StoredValues(
                                answer: stored.address, sent: plan.after, before: plan.before, fields: plan.fields),
                            from: stored, &result, logger: logger)
                    case .readBack(let fresh, let error):
                        if let values = StoredValues.readBack(fresh.address, sent: plan.after, fields: plan.fields) {
                            return await landed(values, from: fresh, &result, logger: logger)
                        }
                        if let refused = etagRefused(error, sent: profile, fresh: fresh, &result) { return refused }
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
            return Processed(result: with(result, .skipped, note: "\(error)"), stop: .journal("\(error)"))
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
        guard let intent,
            let values = StoredValues.readBack(profile.address, sent: intent.after, fields: Self.changed(intent))
        else { return nil }
        result.changes = Self.changed(intent).map {
            RowResult.Change(field: $0.rawValue, before: intent.before[$0], after: intent.after[$0])
        }
        result.warnings.append(
            RowIssue(
                .resolvedByReadBack, field: nil,
                "the previous run's write had landed; recorded as applied without writing again"))
        return await landed(values, from: profile, &result, logger: logger)
    }

    /// The row's result once its write is known to have reached Partner Center: `applied`, with
    /// the stored form of any value Partner Center reformatted (warned, and recorded in place of
    /// the value sent); `failed` when a value was not stored at all. `source` is the profile that
    /// showed it (the write's answer, or a read back): its status is recorded.
    func landed(_ values: StoredValues, from source: BillingProfile, _ result: inout RowResult, logger: Logger) async
        -> Processed
    {
        if let notStored = values.notStored {
            result.errors = [notStored]
            return await finish(&result, .failed, status: source.httpStatus, logger: logger)
        }
        if let warning = values.storedDifferently {
            result.warnings.append(warning)
            for difference in values.reformatted { result.stored[difference.field] = difference.stored }
            for difference in values.reformatted {
                if let index = result.changes.firstIndex(where: { $0.field == difference.field.rawValue }) {
                    result.changes[index].after = difference.stored
                }
            }
        }
        return await finish(&result, .applied, status: source.httpStatus, logger: logger)
    }

    /// The stop of a run whose writes Partner Center refuses however fresh their ETag: a conflict
    /// answer, yet the profile read back still has the very ETag that was sent. Every row would
    /// spend its writes and end a conflict for the same reason, so the run stops here (resumable).
    func etagRefused(
        _ error: PartnerCenterError, sent: BillingProfile, fresh: BillingProfile, _ result: inout RowResult
    )
        -> Processed?
    {
        guard error.isConflict, let etag = sent.etag, fresh.etag == etag, fresh.address == sent.address else {
            return nil
        }
        let message =
            "Partner Center refused the write as a stale-ETag conflict (HTTP \(error.status ?? 0)) although the "
            + "profile still has the ETag that was sent: it does not take the ETag the way this run sends it "
            + "(--etag-in \(etagPlacement.rawValue)). Run `billing-migrate doctor` to see which placement it "
            + "enforces, then resume with --etag-in header, body or both"
        result.httpStatus = error.status
        result.partnerCenterCode = error.code
        return Processed(result: with(result, .skipped, note: message), stop: .etagRefused(message))
    }

    /// How a journaled write ended, unless it failed outright (thrown).
    enum Written {
        /// Partner Center confirmed it: the profile as stored, from its answer or, when the answer
        /// had no readable body, from one read-back.
        case confirmed(BillingProfile)
        /// A conflict, or no answer: the profile as read back afterwards, and why.
        case readBack(BillingProfile, PartnerCenterError)
    }

    /// Makes the row's `intent` durable, then PUTs `profile`. A conflict or a write in doubt is
    /// answered by reading the profile back; any other failure is thrown.
    func journaledWrite(_ profile: BillingProfile, _ intent: JournalEntry.Intent, _ journal: Journal, logger: Logger)
        async throws -> Written
    {
        try await preflight?.check()
        try await journal.append(.intent(intent))
        let failure: PartnerCenterError
        do {
            if let stored = try await service.updateBillingProfile(
                customerId: intent.customer, profile: profile, correlationId: intent.correlationId)
            {
                return .confirmed(stored)
            }
            logger.info("write answered without a readable body; reading back")
            return .confirmed(
                try await service.billingProfile(customerId: intent.customer, correlationId: intent.correlationId))
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
        if let why = StopReason(error) {
            return Processed(result: with(result, .skipped, note: error.summary), stop: why)
        }
        switch error.kind {
        case .http where error.refusesAccess:
            guard await accessRefusals.record(refused: true) < 2 else {
                let message =
                    "Partner Center refused access on two rows in a row, so the run stops here instead of failing "
                    + "every row: \(error.summary). Fix the access (the app's consent and roles, the user's MFA for "
                    + "App+User), then run the same command again: this row and the rest are still to do"
                return Processed(result: with(result, .skipped, note: message), stop: .accessRefused(message))
            }
            result.errors = [RowIssue(.partnerCenter, field: nil, error.summary)]
            return await finish(&result, .failed, status: error.status, logger: logger, accessRefused: true)
        default:
            result.errors = [RowIssue(.partnerCenter, field: nil, error.summary)]
            return await finish(&result, .failed, status: error.status, logger: logger)
        }
    }

    /// Records the outcome (in the journal, for `apply`) and returns the row's result.
    /// - Parameter accessRefused: the row failed for want of access (``PartnerCenterError/refusesAccess``);
    ///   any other outcome ends a run of such rows.
    func finish(
        _ result: inout RowResult, _ outcome: RowResult.Outcome, status: Int? = nil, logger: Logger,
        accessRefused: Bool = false
    ) async -> Processed {
        if !accessRefused { _ = await accessRefusals.record(refused: false) }
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
                        message: result.errors.first?.message,
                        stored: result.stored.isEmpty ? nil : result.stored, input: result.inputDigest,
                        companyName: result.companyName)))
            return Processed(result: result, stop: nil)
        } catch {
            return Processed(result: result, stop: .journal("\(error)"))
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

    /// The failure of a row whose profile came without an ETag: writing it would be an
    /// unconditional overwrite.
    static let noETag = RowIssue(
        .partnerCenter, field: nil,
        "Partner Center returned this customer's billing profile without an ETag (attributes.etag), so a write "
            + "could not be made conditional: it would overwrite any concurrent change. Nothing was written; run "
            + "`billing-migrate doctor --customer` on it, and report it to Microsoft if it persists.")

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

/// Counts rows refused access one after another (``PartnerCenterError/refusesAccess``): two in a
/// row stop the run, since every other row would fail the same way.
actor AccessRefusals {
    private var consecutive = 0

    /// Records one finished row; returns how many in a row were refused access, this one included.
    func record(refused: Bool) -> Int {
        consecutive = refused ? consecutive + 1 : 0
        return consecutive
    }
}
