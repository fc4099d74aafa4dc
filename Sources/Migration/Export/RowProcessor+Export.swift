import AddressRules
import JSONDocument
import PartnerCenter

extension RowProcessor {
    /// `export`: reads one customer (`GET /v1/customers/{id}`, whose answer carries the billing
    /// profile; its own `GET …/profiles/billing` when it does not) into an `exported` result with
    /// the address as it stands, or a `failed` one (404, 403, …) that the reports list.
    func export(_ item: ExportItem) async -> Processed {
        var (result, logger) = start(line: item.line, customerId: item.customerId)
        let correlationId = result.correlationId ?? ""
        result.companyName = item.companyName
        result.domain = item.domain
        do throws(PartnerCenterError) {
            let customer = try await service.customer(id: item.customerId, correlationId: correlationId)
            guard CustomerID(customer.id) == CustomerID(item.customerId) else {
                result.errors = [
                    RowIssue(
                        .partnerCenter, field: "customerId",
                        "Partner Center answered for another customer ('\(VisibleText.escaped(customer.id))'); nothing "
                            + "of that answer is exported. Run the export again; report it to Microsoft if it persists."
                    )
                ]
                return await finish(&result, .failed, logger: logger)
            }
            let profile: BillingProfile
            if let carried = customer.billingProfile {
                profile = carried
            } else {
                profile = try await service.billingProfile(customerId: item.customerId, correlationId: correlationId)
            }
            guard profile.document[anyCase: "defaultAddress"]?.objectValue != nil else {
                result.errors = [
                    RowIssue(
                        .partnerCenter, field: nil,
                        "Partner Center sent this customer's billing profile without a defaultAddress; an export "
                            + "row of empty cells would read as \"keep everything\", so it is not exported.")
                ]
                return await finish(&result, .failed, status: profile.httpStatus, logger: logger)
            }
            result.companyName = profile.companyName ?? customer.companyName ?? item.companyName
            result.domain = customer.domain ?? item.domain
            result.current = profile.address
            return await finish(&result, .exported, status: profile.httpStatus, logger: logger)
        } catch {
            return await failed(&result, error, logger: logger)
        }
    }
}
