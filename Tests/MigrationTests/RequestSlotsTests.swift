import PartnerCenter
import Synchronization
import Testing

@testable import Migration

@Suite("RequestSlots: the bound on calls in flight")
struct RequestSlotsTests {
    /// Calls in flight now, the most at once, and how many ran.
    final class Gauge: Sendable {
        private let counts = Mutex((now: 0, most: 0, ran: 0))

        func enter() {
            counts.withLock {
                $0.now += 1
                $0.most = max($0.most, $0.now)
            }
        }

        func leave() {
            counts.withLock {
                $0.now -= 1
                $0.ran += 1
            }
        }

        var now: Int { counts.withLock { $0.now } }
        var most: Int { counts.withLock { $0.most } }
        var ran: Int { counts.withLock { $0.ran } }
    }

    /// The calls made, in order.
    final class Order: Sendable {
        private let names = Mutex<[String]>([])

        func add(_ name: String) { names.withLock { $0.append(name) } }

        var calls: [String] { names.withLock { $0 } }
    }

    @Test("40 calls through 3 slots: every one runs, never more than 3 at once, and 3 do")
    func bound() async throws {
        let slots = RequestSlots(3)
        let gauge = Gauge()
        // Each call, once in its slot, hands the test a way to end it and waits for it.
        let (entered, enter) = AsyncStream.makeStream(of: CheckedContinuation<Void, Never>.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<40 {
                group.addTask {
                    try await slots.withSlot(correlationId: "\(index)") { () async throws(PartnerCenterError) in
                        gauge.enter()
                        await withCheckedContinuation { enter.yield($0) }
                        gauge.leave()
                    }
                }
            }
            var inSlots = entered.makeAsyncIterator()
            var running: [CheckedContinuation<Void, Never>] = []
            for _ in 0..<3 { running.append(try #require(await inSlots.next())) }
            #expect(gauge.now == 3, "three calls in, the others waiting")
            for ended in 0..<40 {
                running.removeFirst().resume()
                if ended < 37 { running.append(try #require(await inSlots.next())) }
            }
            try await group.waitForAll()
        }
        #expect(gauge.ran == 40)
        #expect(gauge.most == 3)
    }

    @Test("a row that waited for its turn and finds the run stopped does not start; the slot goes on to the next")
    func startAfterStop() async throws {
        let slots = RequestSlots(1)
        let (holding, release) = AsyncStream.makeStream(of: Void.self)
        let (entered, enter) = AsyncStream.makeStream(of: Void.self)
        let stop = StopSignal()
        let first = Task {
            await slots.start(unless: { stop.stopReason != nil }) { _ in
                enter.yield()
                for await _ in holding { break }
                return "first"
            }
        }
        for await _ in entered { break }
        let second = Task { await slots.start(unless: { stop.stopReason != nil }) { _ in "second" } }
        while slots.waiting == 0 { await Task.yield() }
        stop.stop(.signal("SIGTERM"))
        release.yield()
        #expect(await first.value == "first", "a row with a free slot starts")
        #expect(await second.value == nil, "it waited, and the run stopped meanwhile")
        let third = await slots.start(unless: { false }) { _ in "third" }
        #expect(third == "third", "neither row kept the slot")
    }

    @Test("a call cancelled before its turn ends as cancelled without running; the slot goes on to the next")
    func cancelledWhileWaiting() async throws {
        let slots = RequestSlots(1)
        let (holding, release) = AsyncStream.makeStream(of: Void.self)
        let (entered, enter) = AsyncStream.makeStream(of: Void.self)
        let holder = Task {
            try await slots.withSlot(correlationId: "holder") { () async throws(PartnerCenterError) in
                enter.yield()
                for await _ in holding { break }
            }
        }
        for await _ in entered { break }
        let gauge = Gauge()
        let waiter = Task {
            try await slots.withSlot(correlationId: "waiter") { () async throws(PartnerCenterError) in
                gauge.enter()
                gauge.leave()
            }
        }
        waiter.cancel()
        let error = await #expect(throws: PartnerCenterError.self) { try await waiter.value }
        #expect(error?.kind == .cancelled)
        #expect(gauge.ran == 0)
        release.yield()
        try await holder.value
        try await slots.withSlot(correlationId: "next") { () async throws(PartnerCenterError) in
            gauge.enter()
            gauge.leave()
        }
        #expect(gauge.ran == 1, "the holder's slot was handed on, not lost to the cancelled waiter")
    }

    @Test(
        "a row's ticket serves the call it is passed to, once; a call without it waits like any other",
        .timeLimit(.minutes(1)))
    func ticket() async throws {
        let slots = RequestSlots(1)
        let gauge = Gauge()
        let order = Order()
        let started = await slots.start(unless: { false }) { ticket in
            // A call made beside the row without its ticket (an unstructured task) does not take
            // the row's slot: it waits.
            let beside = Task {
                try await slots.withSlot(correlationId: "beside") { () async throws(PartnerCenterError) in
                    order.add("beside")
                }
            }
            while slots.waiting == 0 { await Task.yield() }
            do {
                try await slots.withSlot(ticket, correlationId: "first") { () async throws(PartnerCenterError) in
                    gauge.enter()
                    order.add("first")
                    gauge.leave()
                }
                try await beside.value
                // The ticket was used: the row's next call waits for a slot of its own.
                try await slots.withSlot(ticket, correlationId: "second") { () async throws(PartnerCenterError) in
                    order.add("second")
                }
            } catch {
                Issue.record("a call failed: \(error)")
            }
            return ticket.take()
        }
        #expect(started == false, "the ticket was taken by the first call")
        #expect(order.calls == ["first", "beside", "second"])
        #expect(gauge.most == 1)
        let after = await slots.start(unless: { false }) { _ in "after" }
        #expect(after == "after", "no slot was lost")
    }
}
