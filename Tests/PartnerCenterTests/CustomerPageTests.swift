import JSONDocument
import Testing

@testable import PartnerCenter

/// Pages of `GET /v1/customers` as the documents and the SDKs show them.
@Suite("Customer pages")
struct CustomerPageTests {
    static func page(_ json: String) throws -> CustomerPage? {
        try JSONValue(parsing: Array(json.utf8)).objectValue.flatMap(CustomerPage.init(document:))
    }

    static let items = """
        "totalCount": 2, "items": [
          {"id": "11111111-1111-4111-8111-111111111111", "companyProfile": {"tenantId": "11111111-1111-4111-8111-111111111111",
           "domain": "a.onmicrosoft.com", "companyName": "A Ltd"}, "relationshipToPartner": "reseller"},
          {"companyProfile": {"tenantId": "22222222-2222-4222-8222-222222222222", "domain": "b.onmicrosoft.com"}}]
        """

    @Test(
        "from links.next.headers only the continuation token is taken: no Host, no Authorization, no CR/LF, one token")
    func onlyTheToken() throws {
        let page = try #require(
            try Self.page(
                """
                {\(Self.items), "links": {"next": {"uri": "/customers?seekOperation=Next", "headers": [
                  {"key": "Host", "value": "evil.example.com"}, {"key": "Authorization", "value": "Bearer stolen"},
                  {"key": "ms-continuationtoken", "value": "AQ\\r\\nX-Injected: 1"},
                  {"key": "MS-ContinuationToken", "value": "AQAAAA=="},
                  {"key": "MS-ContinuationToken", "value": "second"}]}}}
                """))
        #expect(page.next?.headers == [.init(name: "MS-ContinuationToken", value: "AQAAAA==")])
    }

    @Test("the documented page: links.next with a URI relative to the version and its MS-ContinuationToken header")
    func documented() throws {
        let page = try #require(
            try Self.page(
                """
                {\(Self.items), "links": {"self": {"uri": "/customers?size=2", "method": "GET", "headers": []},
                 "next": {"uri": "/customers?size=2&seekOperation=Next", "method": "GET",
                  "headers": [{"key": "MS-ContinuationToken", "value": "AQAAAA=="}]}},
                 "attributes": {"objectType": "Collection"}}
                """))
        #expect(
            page.customers.map(\.id) == [
                "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222",
            ])
        #expect(page.customers[0].companyName == "A Ltd")
        #expect(page.customers[1].domain == "b.onmicrosoft.com")
        #expect(page.customers[0].billingProfile == nil)
        #expect(
            page.next
                == .init(
                    path: "/v1/customers?size=2&seekOperation=Next",
                    headers: [.init(name: "MS-ContinuationToken", value: "AQAAAA==")]))
    }

    @Test(
        "a next link with the version, or absolute, is one path under /v1",
        arguments: [
            ("/v1/customers?size=2&seekOperation=Next", "/v1/customers?size=2&seekOperation=Next"),
            (
                "https://api.partnercenter.microsoft.com/v1/customers?seekOperation=Next",
                "/v1/customers?seekOperation=Next"
            ),
            ("customers?seekOperation=Next", "/v1/customers?seekOperation=Next"),
        ])
    func versioned(uri: String, path: String) {
        #expect(CustomerPage.versioned(uri) == path)
    }

    @Test("a bare continuationToken is sent as MS-ContinuationToken to the next-page URI; the last page has no next")
    func tokenOnlyAndLast() throws {
        let page = try #require(try Self.page("{\(Self.items), \"continuationToken\": \"tok\"}"))
        #expect(
            page.next
                == .init(
                    path: "/v1/customers?seekOperation=Next",
                    headers: [.init(name: "MS-ContinuationToken", value: "tok")]))
        let last = try #require(try Self.page("{\(Self.items), \"links\": {\"self\": {\"uri\": \"/customers\"}}}"))
        #expect(last.next == nil)
        #expect(try Self.page("{\"value\": []}") == nil)
    }
}
