/// One HTTP request, as the client builds it.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    /// Header names and values, in order.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?

    public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? { headers.value(named: name) }
}

/// One HTTP response.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Whether a UTF-8 byte-order mark was taken off the front of `body`.
    public var hadByteOrderMark = false

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? { headers.value(named: name) }
}

extension [(name: String, value: String)] {
    /// The first value of header `name` (case-insensitive).
    func value(named name: String) -> String? {
        first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// Sends requests: the one seam between the client and the network. The live implementation is
/// ``AsyncHTTPClientTransport``; tests script responses behind this protocol.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the whole response.
    /// - Throws: ``TransportError`` when no response arrived.
    func send(_ request: HTTPRequest, timeout: Duration) async throws(TransportError) -> HTTPResponse
}

/// No response arrived. Whether the server may have acted on the request matters for writes.
public enum TransportError: Error, Sendable, Equatable {
    /// The request never left: the connection could not be made. Safe to send again.
    case notSent(String)
    /// The request may have reached the server (a timeout, a dropped connection): a write may or
    /// may not have happened.
    case ambiguous(String)

    /// The transport's own words.
    public var reason: String {
        switch self {
        case .notSent(let reason), .ambiguous(let reason): reason
        }
    }
}
