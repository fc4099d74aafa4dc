import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix

/// ``HTTPTransport`` over AsyncHTTPClient: a connection pool sized to the run's concurrency,
/// connect and read timeouts, TLS always verified (AsyncHTTPClient's default), and redirects
/// never followed: a 3xx would carry the customer's profile, and the token, to another origin.
public final class AsyncHTTPClientTransport: HTTPTransport {
    private let client: HTTPClient
    private let maximumBodyBytes: Int

    /// Creates the client.
    /// - Parameters:
    ///   - connectionsPerHost: HTTP/1.1 connections kept to one host; at least the run's
    ///     concurrency, or requests queue inside the pool.
    ///   - connectTimeout: how long a connection may take to open.
    ///   - readTimeout: how long the server may stay silent mid-response.
    public init(connectionsPerHost: Int, connectTimeout: Duration = .seconds(10), readTimeout: Duration = .seconds(60))
    {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, connectionsPerHost))
        configuration.timeout = .init(
            connect: .nanoseconds(Int64(connectTimeout.nanoseconds)), read: .nanoseconds(Int64(readTimeout.nanoseconds))
        )
        configuration.httpVersion = .http1Only
        configuration.redirectConfiguration = .disallow
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        maximumBodyBytes = 8 << 20
    }

    /// Closes the pool. Call once, when the run is over.
    public func shutdown() async throws {
        try await client.shutdown()
    }

    /// Sends `request`; `timeout` bounds the whole exchange, connection to last body byte (a body
    /// trickled a byte at a time cannot hold a call open past it).
    public func send(_ request: HTTPRequest, timeout: Duration) async throws(TransportError) -> HTTPResponse {
        do {
            return try await withThrowingTaskGroup(of: HTTPResponse?.self) { group in
                group.addTask { try await self.exchange(request, timeout: timeout) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let response = first else {
                    throw TransportError.ambiguous("no complete answer within \(timeout.components.seconds) s")
                }
                return response
            }
        } catch let error as TransportError {
            throw error
        } catch {
            throw Self.classify(error)
        }
    }

    private func exchange(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(outgoing, timeout: .nanoseconds(Int64(timeout.nanoseconds)))
        let body = try await response.body.collect(upTo: maximumBodyBytes)
        return HTTPResponse(
            status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
            body: Array(buffer: body))
    }

    /// Whether the request can have reached the server: only a failure to connect says it did not.
    static func classify(_ error: any Error) -> TransportError {
        if let error = error as? HTTPClientError,
            [.connectTimeout, .invalidURL, .emptyHost, .emptyScheme].contains(error)
        {
            return .notSent(String(describing: error))
        }
        if error is NIOConnectionError {
            return .notSent(String(describing: error))
        }
        // Refused or unreachable: the connection was never made, so nothing was sent.
        if let error = error as? IOError, [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH].contains(error.errnoCode) {
            return .notSent("connection refused or unreachable (\(error))")
        }
        return .ambiguous(String(describing: error))
    }
}

extension Duration {
    /// The duration in whole nanoseconds.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
