import AddressRules
import Foundation
import Logging
import PartnerCenter

extension RowProcessor {
    /// Applies one row of a reviewed plan exactly: only to the profile the plan read (same ETag),
    /// with the plan's after-values. A profile that changed in any way since the plan is a
    /// `conflict` naming what changed, and is not written; a write in doubt is read back.
    ///
    /// Under `--trust-etag` (``trustPlannedETags``) the profile is not read first: the document
    /// the plan read is written back with the plan's ETag, and Partner Center's ETag check is what
    /// refuses a profile changed since (one read-back then names what changed). A row whose
    /// earlier write is in doubt, or whose plan row has no document, is read first as without it.
    func applyPlanned(_ row: SavedPlan.Row, pendingIntent: JournalEntry.Intent?) async -> Processed {
        var (result, logger) = start(line: row.line, customerId: row.customerId)
        let correlationId = result.correlationId ?? ""
        let fields = row.fields
        result.changes = fields.map {
            RowResult.Change(field: $0.rawValue, before: row.before[$0], after: row.after[$0])
        }
        do {
            let profile: BillingProfile
            if let planned = trustedProfile(row, pendingIntent: pendingIntent) {
                profile = planned
            } else {
                profile = try await service.billingProfile(customerId: row.customerId, correlationId: correlationId)
            }
            result.companyName = profile.companyName
            if let landed = await landed(pendingIntent, in: profile, &result, logger: logger) { return landed }
            guard profile.etag == row.etag, profile.address == row.before else {
                result.errors = [Self.stale(row, now: profile)]
                return await finish(&result, .conflict, logger: logger)
            }
            var changes = FieldMap<FieldChange>()
            for field in fields { changes[field] = row.after[field].map(FieldChange.set) ?? .clear }
            // A plan is a review artifact, not a security boundary: its rows are checked again, by
            // the rules of this run (its own --allow-country-change included), before any write.
            let country = row.after[.country] ?? profile.address[.country]
            let served =
                if let country { await rules.rules(for: country, correlationId: correlationId) } else {
                    nil as ServedRules?
                }
            if case .invalid(let issues) = planner.plan(changes, current: profile.address, rules: served).verdict {
                result.errors = issues
                return await finish(&result, .invalid, logger: logger)
            }
            guard let journal else { return Processed(result: with(result, .wouldChange), stop: nil) }
            let intent = JournalEntry.Intent(
                line: row.line, customer: row.customerId, correlationId: correlationId, etag: profile.etag,
                before: row.before, after: row.after)
            var attempts = 0
            while true {
                attempts += 1
                switch try await journaledWrite(profile.applying(changes), intent, journal, logger: logger) {
                case .confirmed(let stored):
                    return await landed(
                        StoredValues(answer: stored.address, sent: row.after, before: row.before, fields: fields),
                        from: stored, &result, logger: logger)
                case .readBack(let fresh, let error):
                    if let values = StoredValues.readBack(fresh.address, sent: row.after, fields: fields) {
                        return await landed(values, from: fresh, &result, logger: logger)
                    }
                    // A write in doubt that did not land: the profile is still the one the plan
                    // read, so the write is made again, as for any write in doubt.
                    if case .transport = error.kind, fresh.etag == row.etag, fresh.address == row.before {
                        guard attempts < Self.writesInDoubt else { return await failed(&result, error, logger: logger) }
                        logger.info("the write in doubt did not land; writing again")
                        continue
                    }
                    if let refused = etagRefused(error, sent: profile, fresh: fresh, &result) { return refused }
                    result.errors = [Self.stale(row, now: fresh)]
                    result.httpStatus = error.status
                    result.partnerCenterCode = error.code
                    return await finish(&result, .conflict, logger: logger)
                }
            }
        } catch let error as PartnerCenterError {
            return await failed(&result, error, logger: logger)
        } catch {
            return Processed(result: with(result, .skipped, note: "\(error)"), stop: .journal("\(error)"))
        }
    }

    /// The profile the plan read, to write without reading it again: under `--trust-etag`, for a
    /// row with no write in doubt whose document agrees with the row's ETag and before-values.
    private func trustedProfile(_ row: SavedPlan.Row, pendingIntent: JournalEntry.Intent?) -> BillingProfile? {
        guard trustPlannedETags, pendingIntent == nil, let document = row.profile else { return nil }
        let profile = BillingProfile(document: document)
        guard profile.etag == row.etag, profile.address == row.before else { return nil }
        return profile
    }

    /// How many times a planned row is written while its writes stay in doubt and do not land.
    static let writesInDoubt = 6

    /// The conflict of a planned row whose profile is no longer the one the plan read.
    static func stale(_ row: SavedPlan.Row, now profile: BillingProfile) -> RowIssue {
        let changed = AddressField.allCases.filter { profile.address[$0] != row.before[$0] }
        guard !changed.isEmpty else {
            return RowIssue(
                .conflict, field: nil,
                "the profile changed since the plan was made (its ETag is no longer \(row.etag ?? "none")), in "
                    + "fields outside the address; nothing was written. Make a new plan and review it.")
        }
        let values = changed.map { field in
            "\(field.rawValue) was '\(row.before[field] ?? "")' in the plan and is now '\(profile.address[field] ?? "")'"
        }
        return RowIssue(
            .conflict, field: changed.first?.rawValue,
            "the profile changed since the plan was made (\(values.joined(separator: ", "))); nothing was written. "
                + "Make a new plan and review it.")
    }
}
