import Foundation
import HTTPTypes
import Hummingbird
import JSONDocument

/// The customer resource: `GET /v1/customers` (paged) and `GET /v1/customers/{id}`, in the shapes
/// of Partner Center's documents ("Get a list of customers", "Get a customer by ID").
extension Simulator {
    static func addCustomerRoutes(to router: Router<BasicRequestContext>, state: SimulatorState) {
        let configuration = state.configuration
        router.get("/v1/customers") { request, _ in
            let query = request.uri.queryParameters
            var size = query.get("size").flatMap { Int($0) } ?? configuration.customerPageLimit
            var after: String?
            if query.get("seekOperation")?.lowercased() == "next" {
                guard let token = request.headers[.continuationToken],
                    let (tokenSize, last) = continuationToken(reading: token)
                else {
                    return PartnerFD.error(
                        .badRequest, code: 400_008, "The continuation token is missing or not valid")
                }
                after = last
                if query.get("size") == nil { size = tokenSize }
            }
            guard size >= 1 else {
                return PartnerFD.error(.badRequest, code: 400_008, "size must be between 1 and 500")
            }
            size = min(size, configuration.customerPageLimit)
            let ids = await state.customerIds
            let start = after.map { last in ids.firstIndex { $0 > last } ?? ids.count } ?? 0
            let pageIds = ids[start..<min(ids.count, start + size)]
            var items: [JSONValue] = []
            for id in pageIds {
                guard let stored = await state.profile(id) else { continue }
                items.append(.object(customer(id, billing: stored.document, withBilling: false)))
            }
            var page = JSONObject()
            page["totalCount"] = .number("\(items.count)")
            page["items"] = .array(items)
            var links = JSONObject()
            links["self"] = link("/customers?size=\(size)")
            if let last = pageIds.last, start + size < ids.count {
                let token = continuationToken(size: size, last: last)
                switch configuration.customerPaging {
                case .relativeLink:
                    links["next"] = link(
                        "/customers?size=\(size)&seekOperation=Next", headers: ["MS-ContinuationToken": token])
                case .versionedLink:
                    links["next"] = link(
                        "/v1/customers?size=\(size)&seekOperation=Next", headers: ["MS-ContinuationToken": token])
                case .tokenOnly:
                    page["continuationToken"] = .string(token)
                }
            }
            page["links"] = .object(links)
            page["attributes"] = .object(JSONObject([.init(key: "objectType", value: .string("Collection"))]))
            return PartnerFD.json(.object(page))
        }

        router.get("/v1/customers/:id") { _, context in
            let id = (context.parameters.get("id") ?? "").lowercased()
            if let refusal = forbidden(id, state: state) { return refusal }
            guard let stored = await state.profile(id) else {
                return PartnerFD.error(.notFound, code: 60003, "Tenant not found", data: ["customerId: \(id)"])
            }
            await state.editAfterFirstRead(customerId: id)
            return PartnerFD.json(
                .object(
                    customer(
                        id, billing: served(stored.document, id: id, state: state),
                        withBilling: !configuration.customerWithoutBillingProfile)))
        }
    }

    /// The billing profile as the service answers it: without its ETag for the customers
    /// configured so.
    static func served(_ document: JSONObject, id: String, state: SimulatorState) -> JSONObject {
        guard state.configuration.profilesWithoutETag.contains(id.lowercased()),
            var attributes = document[anyCase: "attributes"]?.objectValue
        else { return document }
        var document = document
        attributes[anyCase: "etag"] = nil
        document[anyCase: "attributes"] = .object(attributes)
        return document
    }

    /// The customer resource: its company profile (the company's name from the billing profile,
    /// a domain made from it) and, by ID, its billing profile.
    static func customer(_ id: String, billing: JSONObject, withBilling: Bool) -> JSONObject {
        let name = billing[anyCase: "companyName"]?.stringValue
        var company = JSONObject()
        company["tenantId"] = .string(id)
        company["domain"] = .string(domain(companyName: name, id: id))
        if let name { company["companyName"] = .string(name) }
        company["links"] = .object(JSONObject([.init(key: "self", value: link("/customers/\(id)/profiles/company"))]))
        company["attributes"] = .object(
            JSONObject([.init(key: "objectType", value: .string("CustomerCompanyProfile"))]))
        var customer = JSONObject()
        customer["id"] = .string(id)
        customer["commerceId"] = .string(id)
        customer["companyProfile"] = .object(company)
        if withBilling { customer["billingProfile"] = .object(billing) }
        customer["relationshipToPartner"] = .string("reseller")
        customer["allowDelegatedAccess"] = .bool(true)
        customer["links"] = .object(JSONObject([.init(key: "self", value: link("/customers/\(id)"))]))
        customer["attributes"] = .object(JSONObject([.init(key: "objectType", value: .string("Customer"))]))
        return customer
    }

    /// `customer12ltd.onmicrosoft.com` for "Customer 12 Ltd"; from the ID when there is no name.
    static func domain(companyName: String?, id: String) -> String {
        let letters = (companyName ?? "").lowercased().unicodeScalars.filter {
            ("a"..."z").contains($0) || ("0"..."9").contains($0)
        }
        let label = letters.isEmpty ? "tenant" + id.prefix(8) : String(String.UnicodeScalarView(letters.prefix(40)))
        return label + ".onmicrosoft.com"
    }

    /// A resource link: `{"uri": …, "method": "GET", "headers": [{"key": …, "value": …}]}`.
    static func link(_ uri: String, headers: [String: String] = [:]) -> JSONValue {
        .object(
            JSONObject([
                .init(key: "uri", value: .string(uri)), .init(key: "method", value: .string("GET")),
                .init(
                    key: "headers",
                    value: .array(
                        headers.sorted { $0.key < $1.key }.map { key, value in
                            .object(
                                JSONObject([
                                    .init(key: "key", value: .string(key)), .init(key: "value", value: .string(value)),
                                ]))
                        })),
            ]))
    }

    /// An opaque token: the page size and the last customer of the page, base64.
    static func continuationToken(size: Int, last: String) -> String {
        Data("\(size)|\(last)".utf8).base64EncodedString()
    }

    static func continuationToken(reading token: String) -> (size: Int, last: String)? {
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: "|", maxSplits: 1)
        guard parts.count == 2, let size = Int(parts[0]) else { return nil }
        return (size, String(parts[1]))
    }
}
