/// A compiled postal-code pattern: the subset of regular expressions Google's address data uses
/// (literals, `\d`, `\b`, classes with ranges, groups, `|`, `?`, `*`, `+`, `{n}`, `{n,m}`, `^`, `$`),
/// matched over ASCII bytes by a small backtracking machine.
///
/// Foundation's `NSRegularExpression` costs microseconds a call on Linux; validation runs it for
/// every row, so the patterns are compiled once into this program instead.
public struct PostalPattern: Sendable {
    /// The pattern as written.
    public let source: String
    private let program: [Instruction]

    /// Compiles `source`.
    /// - Throws: ``PatternError`` for syntax outside the supported subset.
    public init(_ source: String) throws(PatternError) {
        var parser = PatternParser(Array(source.utf8))
        let tree = try parser.parseAll()
        var program: [Instruction] = []
        tree.emit(into: &program)
        program.append(.match)
        self.source = source
        self.program = program
    }

    /// Whether the whole of `text` matches.
    public func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { run($0, wholeInput: true) }
    }

    /// Whether the whole of `bytes` matches.
    func matches(bytes: UnsafeBufferPointer<UInt8>) -> Bool { run(bytes, wholeInput: true) }

    /// Whether some prefix of `text` matches (how Google's per-subdivision `zip` prefixes apply).
    public func matchesPrefix(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { run($0, wholeInput: false) }
    }

    /// Runs the machine over `input`. Alternatives waiting to be tried live in a small buffer on
    /// the stack, spilling to the heap only for patterns with many open alternatives.
    private func run(_ input: UnsafeBufferPointer<UInt8>, wholeInput: Bool) -> Bool {
        withUnsafeTemporaryAllocation(of: (pc: Int, position: Int).self, capacity: 48) { inline in
            var inlineCount = 1
            inline[0] = (0, 0)
            var spilled: [(pc: Int, position: Int)] = []
            var budget = 100_000
            func push(_ entry: (pc: Int, position: Int)) {
                if spilled.isEmpty, inlineCount < inline.count {
                    inline[inlineCount] = entry
                    inlineCount += 1
                } else {
                    spilled.append(entry)
                }
            }
            func pop() -> (pc: Int, position: Int)? {
                if let entry = spilled.popLast() { return entry }
                guard inlineCount > 0 else { return nil }
                inlineCount -= 1
                return inline[inlineCount]
            }
            while let (startPC, startPosition) = pop() {
                var pc = startPC
                var position = startPosition
                thread: while budget > 0 {
                    budget -= 1
                    switch program[pc] {
                    case .byte(let byte):
                        guard position < input.count, input[position] == byte else { break thread }
                        position += 1
                        pc += 1
                    case .set(let set):
                        guard position < input.count, set.contains(input[position]) else { break thread }
                        position += 1
                        pc += 1
                    case .split(let preferred, let other):
                        push((other, position))
                        pc = preferred
                    case .jump(let target):
                        pc = target
                    case .assertStart:
                        guard position == 0 else { break thread }
                        pc += 1
                    case .assertEnd:
                        guard position == input.count else { break thread }
                        pc += 1
                    case .assertWordBoundary:
                        let before = position > 0 && ByteSet.word.contains(input[position - 1])
                        let after = position < input.count && ByteSet.word.contains(input[position])
                        guard before != after else { break thread }
                        pc += 1
                    case .match:
                        if !wholeInput || position == input.count { return true }
                        break thread
                    }
                }
            }
            return false
        }
    }
}

/// A pattern that uses syntax ``PostalPattern`` does not support, or is malformed.
public struct PatternError: Error, Sendable, Equatable {
    public let pattern: String
    public let offset: Int
}

/// One step of the matching machine.
enum Instruction: Sendable {
    case byte(UInt8)
    case set(ByteSet)
    /// Try `preferred` first; on failure come back and try `other`.
    case split(preferred: Int, other: Int)
    case jump(Int)
    case assertStart
    case assertEnd
    case assertWordBoundary
    case match
}

/// A set of bytes, as a 256-bit map.
struct ByteSet: Sendable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    static let digits = ByteSet(ranges: [(0x30, 0x39)])
    static let word = ByteSet(ranges: [(0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A), (0x5F, 0x5F)])
    static let whitespace = ByteSet(ranges: [(0x09, 0x0D), (0x20, 0x20)])

    init() {}

    init(ranges: [(UInt8, UInt8)]) {
        for (low, high) in ranges { insert(low...high) }
    }

    mutating func insert(_ range: ClosedRange<UInt8>) {
        for byte in range {
            let bit = UInt64(1) << UInt64(byte & 63)
            switch byte >> 6 {
            case 0: words.0 |= bit
            case 1: words.1 |= bit
            case 2: words.2 |= bit
            default: words.3 |= bit
            }
        }
    }

    mutating func formUnion(_ other: ByteSet) {
        words = (words.0 | other.words.0, words.1 | other.words.1, words.2 | other.words.2, words.3 | other.words.3)
    }

    func inverted() -> ByteSet {
        var result = ByteSet()
        result.words = (~words.0, ~words.1, ~words.2, ~words.3)
        return result
    }

    func contains(_ byte: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }
}
