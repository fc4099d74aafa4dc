import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

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
    ///
    /// The bound is an event-loop timer, cancelled when the answer is in. (A `Task.sleep` racing
    /// the exchange would do the same, but on Linux a cancelled sleep keeps its task and its
    /// dispatch timer until the time it slept for is over: some 600 bytes per request for the whole
    /// timeout, hundreds of megabytes in a fast run of a million rows.)
    public func send(_ request: HTTPRequest, timeout: Duration) async throws(TransportError) -> HTTPResponse {
        let exchange = Task { try await self.exchange(request, timeout: timeout) }
        let expiry = Expiry()
        let timer = client.eventLoopGroup.any().scheduleTask(in: .nanoseconds(timeout.nanoseconds)) {
            expiry.expire()
            exchange.cancel()
        }
        defer { timer.cancel() }
        do {
            return try await withTaskCancellationHandler {
                try await exchange.value
            } onCancel: {
                exchange.cancel()
            }
        } catch {
            if expiry.hasExpired {
                throw .ambiguous("no complete answer within \(timeout.secondsText) s")
            }
            throw Self.classify(error)
        }
    }

    /// Whether the timer of ``send(_:timeout:)`` went off.
    private final class Expiry: Sendable {
        private let expired = Atomic(false)

        func expire() { expired.store(true, ordering: .relaxed) }

        var hasExpired: Bool { expired.load(ordering: .relaxed) }
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
