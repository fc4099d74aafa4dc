import Foundation

/// Reads a corrections file's rows on a thread of its own, a batch at a time, so that parsing
/// (libcsv and the mapping into ``InputRow``s) runs alongside whatever the caller does with the
/// rows: on two cores `validate` takes about as long as the slower of the two halves.
///
/// At most `depth` batches wait at once, so memory stays flat. Rows come in file order; an
/// ``InputError`` from the reader arrives after the rows before it. Dropping the stream before
/// the end stops the reader thread. An async caller (the batch run, inside a task group) waits for
/// a batch by suspending, never by blocking one of the concurrency pool's threads; a synchronous
/// caller (`validate`, on the main thread) blocks.
public final class RowStream {
    private let queue: BatchQueue
    /// The current batch, last row first, so that rows are moved out with `popLast`.
    private var batch: [InputRow] = []

    /// Opens `path` on a new thread and starts reading.
    /// - Parameters:
    ///   - batchSize: rows handed over at a time.
    ///   - depth: batches that may wait before the reader pauses.
    public init(path: String, options: InputFile.Options, batchSize: Int = 256, depth: Int = 8) {
        let queue = BatchQueue(depth: depth)
        self.queue = queue
        let thread = Thread {
            do {
                let file = try InputFile(path: path, options: options)
                var rows: [InputRow] = []
                rows.reserveCapacity(batchSize)
                while let row = try file.nextRow() {
                    rows.append(row)
                    if rows.count == batchSize {
                        rows.reverse()
                        guard queue.put(.rows(rows)) else { return }
                        rows.removeAll(keepingCapacity: true)
                    }
                }
                rows.reverse()
                if !rows.isEmpty, !queue.put(.rows(rows)) { return }
                _ = queue.put(.end)
            } catch let error as InputError {
                _ = queue.put(.failed(error))
            } catch {
                _ = queue.put(.failed(InputError(path: path, line: nil, "\(error)")))
            }
        }
        thread.name = "billing-migrate.reader"
        thread.start()
    }

    deinit {
        queue.cancel()
    }

    /// The next row, or `nil` at the end of the file; blocks the calling thread while the reader
    /// is behind.
    /// - Throws: the ``InputError`` that ended the read.
    public func next() throws(InputError) -> InputRow? {
        while batch.isEmpty {
            guard try receive(queue.take()) else { return nil }
        }
        return batch.popLast()
    }

    /// The next row, or `nil` at the end of the file; suspends while the reader is behind.
    /// - Throws: the ``InputError`` that ended the read.
    public func next() async throws(InputError) -> InputRow? {
        while batch.isEmpty {
            guard try receive(await queue.take()) else { return nil }
        }
        return batch.popLast()
    }

    /// Takes in what the reader handed over; `false` at the end.
    private func receive(_ delivery: Delivery) throws(InputError) -> Bool {
        switch delivery {
        case .rows(let rows):
            batch = rows
            return true
        case .end: return false
        case .failed(let error): throw error
        }
    }
}

/// What the reader thread hands over.
private enum Delivery: Sendable {
    case rows([InputRow])
    case end
    case failed(InputError)
}

/// A bounded first-in-first-out queue between the reader thread and the consumer. The reader
/// blocks while it is full (its own thread); the consumer either blocks or suspends while it is
/// empty, and a suspended consumer is handed the next item directly.
///
/// `@unchecked Sendable`: every stored property is read and written only while `condition` is
/// locked, so the two threads never touch them at once.
private final class BatchQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private let depth: Int
    private var items: [Delivery] = []
    private var cancelled = false
    /// A consumer suspended until the next item.
    private var waiter: CheckedContinuation<Delivery, Never>?

    init(depth: Int) {
        self.depth = depth
    }

    /// Adds `item`, waiting while the queue is full. Returns `false` once the consumer has gone.
    func put(_ item: Delivery) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= depth, !cancelled { condition.wait() }
        guard !cancelled else { return false }
        if let waiter {
            self.waiter = nil
            waiter.resume(returning: item)
            return true
        }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Removes the oldest item, waiting while there is none.
    func take() -> Delivery {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty { condition.wait() }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    /// Removes the oldest item, suspending while there is none.
    func take() async -> Delivery {
        await withCheckedContinuation { continuation in
            condition.lock()
            defer { condition.unlock() }
            if items.isEmpty {
                waiter = continuation
                return
            }
            let item = items.removeFirst()
            condition.broadcast()
            continuation.resume(returning: item)
        }
    }

    /// Tells the reader to stop.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
