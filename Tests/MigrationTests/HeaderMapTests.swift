import Testing

@testable import Migration

@Suite("HeaderMap")
struct HeaderMapTests {
    private func map(_ header: [String], ignoreUnknown: Bool = false) throws(InputError) -> HeaderMap {
        try HeaderMap(header: header, line: 1, ignoreUnknown: ignoreUnknown, path: "in.csv")
    }

    @Test("names match ignoring case, spaces, '_' and '-'")
    func looseNames() throws {
        let header = try map(["Customer ID", "ADDRESS_LINE_1", "postal-code", " city "])
        #expect(header.columns.map { $0?.name } == ["customerId", "addressLine1", "postalCode", "city"])
        #expect(header.customerIdIndex == 0)
    }

    @Test(
        "each alias lands on its field",
        arguments: [
            ("customer-tenant-id", "customerId"), ("tenantId", "customerId"), ("province", "state"),
            ("zip", "postalCode"), ("zipCode", "postalCode"), ("postcode", "postalCode"),
            ("Phone Number", "phoneNumber"),
        ])
    func alias(name: String, canonical: String) throws {
        let header = try map(canonical == "customerId" ? ["city", name] : ["customerId", name])
        #expect(header.columns.last??.name == canonical)
    }

    @Test("export's read-only columns companyName and domain are accepted and hold no field")
    func contextColumns() throws {
        let header = try map(["customerId", "Company Name", "domain", "city"])
        #expect(header.columns.map { $0?.name } == ["customerId", "companyName", "domain", "city"])
        #expect(header.ignored.isEmpty)
    }

    @Test("a missing customerId column is an input error")
    func missingCustomerId() {
        #expect(throws: InputError.self) { try map(["city", "state"]) }
    }

    @Test("an unknown column is refused with the closest known name")
    func unknownColumn() {
        do {
            _ = try map(["customerId", "postcode2"])
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("'postcode2' (did you mean postalCode?)"))
            #expect(error.line == 1)
        }
    }

    @Test("an unknown column is skipped under --ignore-unknown-columns")
    func ignoredColumn() throws {
        let header = try map(["customerId", "notes", "city"], ignoreUnknown: true)
        #expect(header.columns.map { $0?.name } == ["customerId", nil, "city"])
        #expect(header.ignored == ["notes"])
    }

    @Test("a field named twice, even through an alias, is refused")
    func repeatedColumn() {
        #expect(
            throws: InputError(
                path: "in.csv", line: 1, "columns 'zip' and 'postalCode' both mean postalCode; keep one of them.")
        ) {
            try map(["customerId", "zip", "postalCode"])
        }
    }

    @Test("a header of one column holding ';' suggests --delimiter")
    func delimiterHint() {
        do {
            _ = try map(["customerId;city"])
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("--delimiter ';'"))
        }
    }
}
