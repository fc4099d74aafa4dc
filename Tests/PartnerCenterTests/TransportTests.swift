import Foundation
import NIOCore
import NIOPosix
import PartnerCenter
import Testing

@Suite("AsyncHTTPClientTransport: the bound on a whole exchange")
struct TransportTests {
    @Test("a server that never answers ends the request as a possible write once its timeout is over")
    func silentServer() async throws {
        try await TricklingServer.serving(body: nil) { url in
            try await expectTimedOut(url)
        }
    }

    @Test("a body trickled a byte at a time cannot hold the request open past its timeout")
    func trickledBody() async throws {
        try await TricklingServer.serving(body: .milliseconds(150)) { url in
            try await expectTimedOut(url)
        }
    }

    @Test("answers within the timeout come back whole, fifty in a row over one pool")
    func answersInTime() async throws {
        try await TricklingServer.serving(body: .zero) { url in
            let transport = AsyncHTTPClientTransport(connectionsPerHost: 4)
            do {
                for _ in 0..<50 {
                    let response = try await transport.send(HTTPRequest(method: "GET", url: url), timeout: .seconds(5))
                    #expect(response.status == 200)
                    #expect(response.body.count == TricklingServer.bodyLength)
                }
            } catch {
                try await transport.shutdown()
                throw error
            }
            try await transport.shutdown()
        }
    }

    private func expectTimedOut(_ url: String) async throws {
        let transport = AsyncHTTPClientTransport(connectionsPerHost: 1)
        let clock = ContinuousClock()
        let start = clock.now
        var failure: TransportError?
        do {
            _ = try await transport.send(HTTPRequest(method: "GET", url: url), timeout: .milliseconds(400))
        } catch {
            failure = error
        }
        let elapsed = clock.now - start
        try await transport.shutdown()
        #expect(failure == .ambiguous("no complete answer within 0.4 s"))
        #expect(elapsed >= .milliseconds(400))
        #expect(elapsed < .seconds(8), "ended by the timeout, well before the 9.6 s the trickled body would take")
    }
}

/// A loopback HTTP/1.1 server for transport tests: to every request it answers a head announcing
/// ``bodyLength`` bytes, then the body at once (`.zero`), a byte every `interval`, or never (`nil`).
enum TricklingServer {
    static let bodyLength = 64

    static func serving(body interval: TimeAmount?, _ body: (String) async throws -> Void) async throws {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Handler(interval: interval))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        do {
            try await body("http://127.0.0.1:\(port)/v1/customers")
        } catch {
            try await channel.close()
            throw error
        }
        try await channel.close()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let interval: TimeAmount?
        private var received: [UInt8] = []

        init(interval: TimeAmount?) {
            self.interval = interval
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received += unwrapInboundIn(data).readableBytesView
            // Answer each request once its head is in (the requests carry no body).
            while let end = received.firstRange(of: Array("\r\n\r\n".utf8)) {
                received.removeSubrange(..<end.upperBound)
                answer(context)
            }
        }

        private func answer(_ context: ChannelHandlerContext) {
            guard let interval else { return }
            let head =
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(TricklingServer.bodyLength)\r\n\r\n"
            context.write(wrapOutboundOut(ByteBuffer(string: head)), promise: nil)
            if interval == .zero {
                context.writeAndFlush(
                    wrapOutboundOut(ByteBuffer(repeating: UInt8(ascii: " "), count: TricklingServer.bodyLength)),
                    promise: nil)
            } else {
                context.flush()
                drip(context, left: TricklingServer.bodyLength, every: interval)
            }
        }

        private func drip(_ context: ChannelHandlerContext, left: Int, every interval: TimeAmount) {
            guard left > 0 else { return }
            context.eventLoop.assumeIsolated().scheduleTask(in: interval) {
                guard context.channel.isActive else { return }
                context.writeAndFlush(self.wrapOutboundOut(ByteBuffer(string: " ")), promise: nil)
                self.drip(context, left: left - 1, every: interval)
            }
        }
    }
}
