import Foundation
import JSONDocument

/// A customer as `GET /v1/customers/{id}` (or an item of `GET /v1/customers`) returns it: who it
/// is, and its billing profile when the answer carries one (the customer by ID does; the list's
/// items do not).
public struct Customer: Sendable, Equatable {
    /// The customer's tenant ID (`id`, or `companyProfile.tenantId`).
    public var id: String
    /// `companyProfile.companyName`.
    public var companyName: String?
    /// `companyProfile.domain`.
    public var domain: String?
    /// `billingProfile`, when the answer has one.
    public var billingProfile: BillingProfile?

    public init(id: String, companyName: String? = nil, domain: String? = nil, billingProfile: BillingProfile? = nil) {
        self.id = id
        self.companyName = companyName
        self.domain = domain
        self.billingProfile = billingProfile
    }

    /// Reads a customer resource; `nil` when it names no customer. Member names match in any case.
    public init?(document: JSONObject) {
        let company = document[anyCase: "companyProfile"]?.objectValue
        guard
            let id = document[anyCase: "id"]?.scalarText ?? company?[anyCase: "tenantId"]?.scalarText,
            !id.isEmpty
        else { return nil }
        self.id = id
        companyName = company?[anyCase: "companyName"]?.stringValue
        domain = company?[anyCase: "domain"]?.stringValue
        billingProfile = document[anyCase: "billingProfile"]?.objectValue.map(BillingProfile.init(document:))
    }
}

/// One page of `GET /v1/customers`: its customers, and how to ask for the next page.
public struct CustomerPage: Sendable, Equatable {
    public var customers: [Customer]
    /// `nil` on the last page.
    public var next: Continuation?

    public init(customers: [Customer], next: Continuation?) {
        self.customers = customers
        self.next = next
    }

    /// How to ask for the page after this one, as the page said it: `links.next` (a URI and the
    /// headers to send with it, `MS-ContinuationToken` among them), or only a top-level
    /// `continuationToken`.
    public struct Continuation: Sendable, Equatable {
        /// The path and query to GET, starting with `/v1/`.
        public var path: String
        /// Headers the page asked to be sent with it.
        public var headers: [Header]

        /// A header to send: `links.next.headers[]`'s `key` and `value`.
        public struct Header: Sendable, Equatable {
            public var name: String
            public var value: String

            public init(name: String, value: String) {
                self.name = name
                self.value = value
            }
        }

        public init(path: String, headers: [Header]) {
            self.path = path
            self.headers = headers
        }
    }

    /// The first page's path, for pages of `size` customers (Partner Center allows at most 500).
    public static func firstPath(size: Int) -> String { "/v1/customers?size=\(size)" }

    /// Reads a page. Items that name no customer are left out.
    /// - Returns: `nil` when the body is not a collection (no `items` array).
    public init?(document: JSONObject) {
        guard let items = document[anyCase: "items"]?.arrayValue else { return nil }
        customers = items.compactMap { $0.objectValue.flatMap(Customer.init(document:)) }
        next = Self.continuation(in: document)
    }

    /// The next page's request: `links.next` with its `MS-ContinuationToken` header (no other), or a
    /// bare `continuationToken`
    /// sent as `MS-ContinuationToken` to the documented next-page URI.
    static func continuation(in document: JSONObject) -> Continuation? {
        let next = document[anyCase: "links"]?.objectValue?[anyCase: "next"]?.objectValue
        if let uri = next?[anyCase: "uri"]?.stringValue, !uri.isEmpty {
            // Only the continuation token is taken from the page: never a Host, an Authorization
            // or any other header a server chose, nor a value that would break the header line.
            var headers: [Continuation.Header] = []
            for header in next?[anyCase: "headers"]?.arrayValue ?? [] {
                guard let object = header.objectValue, let key = object[anyCase: "key"]?.stringValue,
                    key.lowercased() == "ms-continuationtoken", let value = object[anyCase: "value"]?.scalarText,
                    !value.utf8.contains(where: { $0 == 10 || $0 == 13 }),
                    !headers.contains(where: { $0.name.lowercased() == "ms-continuationtoken" })
                else { continue }
                headers.append(.init(name: "MS-ContinuationToken", value: value))
            }
            return Continuation(path: versioned(uri), headers: headers)
        }
        if let token = document[anyCase: "continuationToken"]?.scalarText, !token.isEmpty {
            return Continuation(
                path: "/v1/customers?seekOperation=Next", headers: [.init(name: "MS-ContinuationToken", value: token)])
        }
        return nil
    }

    /// A link's URI as a path under `/v1`: Partner Center writes them relative to the API's
    /// version (`/customers?…`), with it (`/v1/customers?…`), or absolute.
    static func versioned(_ uri: String) -> String {
        var path = uri
        if let scheme = path.range(of: "://") {
            let rest = path[scheme.upperBound...]
            path = rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? "/"
        }
        if !path.hasPrefix("/") { path = "/" + path }
        let lower = path.lowercased()
        return lower.hasPrefix("/v1/") || lower == "/v1" ? path : "/v1" + path
    }
}
