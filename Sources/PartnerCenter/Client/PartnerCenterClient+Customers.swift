import JSONDocument

extension PartnerCenterClient {
    /// `GET /v1/customers/{id}`: the customer with its company profile and, as documented, its
    /// billing profile.
    public func customer(id: String, correlationId: String) async throws(PartnerCenterError) -> Customer {
        let response = try await execute(method: "GET", path: "/v1/customers/\(id)", correlationId: correlationId)
        guard let object = (try? JSONValue(parsing: response.body))?.objectValue,
            var customer = Customer(document: object)
        else { throw invalid(response, correlationId: correlationId, expected: "a customer") }
        customer.billingProfile?.httpStatus = response.status
        return customer
    }

    /// One page of `GET /v1/customers`: the first (`after` is `nil`), or the one a page's
    /// continuation points to.
    public func customerPage(after continuation: CustomerPage.Continuation?, size: Int, correlationId: String)
        async throws(PartnerCenterError) -> CustomerPage
    {
        let response = try await execute(
            method: "GET", path: continuation?.path ?? CustomerPage.firstPath(size: size),
            extraHeaders: continuation?.headers.map { ($0.name, $0.value) } ?? [], correlationId: correlationId)
        guard let object = (try? JSONValue(parsing: response.body))?.objectValue,
            let page = CustomerPage(document: object)
        else { throw invalid(response, correlationId: correlationId, expected: "a collection of customers") }
        return page
    }
}
