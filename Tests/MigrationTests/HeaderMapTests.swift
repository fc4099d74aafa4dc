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
            // Spreadsheet users' names, and Partner Center's portal and exports'.
            ("Customer ID", "customerId"), ("Microsoft ID", "customerId"), ("Customer tenant ID", "customerId"),
            ("Tenant ID", "customerId"), ("Street", "addressLine1"), ("Address line 1", "addressLine1"),
            ("Street address", "addressLine1"), ("Address 2", "addressLine2"), ("Address line 3", "addressLine3"),
            ("Town", "city"), ("Zip Code", "postalCode"), ("Postal code", "postalCode"),
            ("ZIP/Postal code", "postalCode"), ("State/Province", "state"), ("State or province", "state"),
            ("Country/Region", "country"), ("Country or region", "country"), ("Phone", "phoneNumber"),
            ("Telephone", "phoneNumber"), ("Company name", "companyName"), ("Company", "companyName"),
            ("Customer name", "companyName"), ("Primary domain name", "domain"), ("Domain name", "domain"),
            ("Primary domain", "domain"), ("state.province", "state"), ("(Country)", "country"),
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

    @Test("two aliases of one field are still refused")
    func aliasTwice() {
        #expect(throws: InputError.self) { try map(["customerId", "State/Province", "state"]) }
        #expect(throws: InputError.self) { try map(["Microsoft ID", "customerId", "city"]) }
    }

    @Test("empty cells at the end of the header (Excel's stray commas) are no columns; one in the middle is unknown")
    func trailingEmptyHeaderCells() throws {
        let header = try map(["customerId", "city", "", " ", ""])
        #expect(header.columns.map { $0?.name } == ["customerId", "city"])
        #expect(header.ignored.isEmpty)
        #expect(throws: InputError.self) { try map(["customerId", "", "city"]) }
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
