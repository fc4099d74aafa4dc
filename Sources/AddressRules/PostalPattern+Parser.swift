/// The syntax tree of a postal pattern.
indirect enum PatternNode {
    case byte(UInt8)
    case set(ByteSet)
    case assertStart
    case assertEnd
    case assertWordBoundary
    case sequence([PatternNode])
    case alternation([PatternNode])
    case repeated(PatternNode, min: Int, max: Int?)

    /// Appends the machine code for this node.
    func emit(into program: inout [Instruction]) {
        switch self {
        case .byte(let byte): program.append(.byte(byte))
        case .set(let set): program.append(.set(set))
        case .assertStart: program.append(.assertStart)
        case .assertEnd: program.append(.assertEnd)
        case .assertWordBoundary: program.append(.assertWordBoundary)
        case .sequence(let nodes):
            for node in nodes { node.emit(into: &program) }
        case .alternation(let branches):
            var jumpsToEnd: [Int] = []
            for (index, branch) in branches.enumerated() {
                if index < branches.count - 1 {
                    let split = program.count
                    program.append(.match)
                    branch.emit(into: &program)
                    jumpsToEnd.append(program.count)
                    program.append(.match)
                    program[split] = .split(preferred: split + 1, other: program.count)
                } else {
                    branch.emit(into: &program)
                }
            }
            for jump in jumpsToEnd { program[jump] = .jump(program.count) }
        case .repeated(let node, let min, let max):
            for _ in 0..<min { node.emit(into: &program) }
            if let max {
                var exits: [Int] = []
                for _ in min..<max {
                    exits.append(program.count)
                    program.append(.match)
                    node.emit(into: &program)
                }
                for exit in exits { program[exit] = .split(preferred: exit + 1, other: program.count) }
            } else {
                let loop = program.count
                program.append(.match)
                node.emit(into: &program)
                program.append(.jump(loop))
                program[loop] = .split(preferred: loop + 1, other: program.count)
            }
        }
    }
}

/// A recursive-descent parser for the supported subset.
struct PatternParser {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func parseAll() throws(PatternError) -> PatternNode {
        let node = try parseAlternation()
        guard index == bytes.count else { throw error() }
        return node
    }

    private func error() -> PatternError {
        PatternError(pattern: String(decoding: bytes, as: UTF8.self), offset: index)
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func parseAlternation() throws(PatternError) -> PatternNode {
        var branches = [try parseSequence()]
        while current == UInt8(ascii: "|") {
            index += 1
            branches.append(try parseSequence())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseSequence() throws(PatternError) -> PatternNode {
        var nodes: [PatternNode] = []
        while let byte = current, byte != UInt8(ascii: "|"), byte != UInt8(ascii: ")") {
            nodes.append(try parseQuantified())
        }
        return .sequence(nodes)
    }

    private mutating func parseQuantified() throws(PatternError) -> PatternNode {
        let atom = try parseAtom()
        switch current {
        case UInt8(ascii: "?"):
            index += 1
            return .repeated(atom, min: 0, max: 1)
        case UInt8(ascii: "*"):
            index += 1
            return .repeated(atom, min: 0, max: nil)
        case UInt8(ascii: "+"):
            index += 1
            return .repeated(atom, min: 1, max: nil)
        case UInt8(ascii: "{"):
            index += 1
            let low = try parseNumber()
            var high: Int? = low
            if current == UInt8(ascii: ",") {
                index += 1
                high = current == UInt8(ascii: "}") ? nil : try parseNumber()
            }
            guard current == UInt8(ascii: "}"), high.map({ $0 >= low }) ?? true else { throw error() }
            index += 1
            return .repeated(atom, min: low, max: high)
        default:
            return atom
        }
    }

    private mutating func parseNumber() throws(PatternError) -> Int {
        var value = 0
        var digits = 0
        while let byte = current, ByteSet.digits.contains(byte) {
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            digits += 1
            index += 1
        }
        guard digits > 0, value <= 64 else { throw error() }
        return value
    }

    private mutating func parseAtom() throws(PatternError) -> PatternNode {
        guard let byte = current else { throw error() }
        index += 1
        switch byte {
        case UInt8(ascii: "("):
            if current == UInt8(ascii: "?") {
                guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ":") else { throw error() }
                index += 2
            }
            let inner = try parseAlternation()
            guard current == UInt8(ascii: ")") else { throw error() }
            index += 1
            return inner
        case UInt8(ascii: "["): return .set(try parseClass())
        case UInt8(ascii: "^"): return .assertStart
        case UInt8(ascii: "$"): return .assertEnd
        case UInt8(ascii: "."): return .set(ByteSet(ranges: [(0x0B, 0x0C), (0x0E, 0xFF), (0x00, 0x09)]))
        case UInt8(ascii: "\\"):
            guard let escaped = current else { throw error() }
            index += 1
            switch escaped {
            case UInt8(ascii: "b"): return .assertWordBoundary
            case UInt8(ascii: "d"): return .set(.digits)
            case UInt8(ascii: "s"): return .set(.whitespace)
            case UInt8(ascii: "w"): return .set(.word)
            default:
                guard !ByteSet.word.contains(escaped) else { throw error() }
                return .byte(escaped)
            }
        case UInt8(ascii: ")"), UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "{"):
            index -= 1
            throw error()
        default:
            return .byte(byte)
        }
    }

    /// Parses a bracket class after its `[`.
    private mutating func parseClass() throws(PatternError) -> ByteSet {
        var set = ByteSet()
        let negated = current == UInt8(ascii: "^")
        if negated { index += 1 }
        var first = true
        while let byte = current, byte != UInt8(ascii: "]") || first {
            first = false
            index += 1
            var low = byte
            if byte == UInt8(ascii: "\\") {
                guard let escaped = current else { throw error() }
                index += 1
                if escaped == UInt8(ascii: "d") {
                    set.formUnion(.digits)
                    continue
                }
                if escaped == UInt8(ascii: "s") {
                    set.formUnion(.whitespace)
                    continue
                }
                low = escaped
            }
            if current == UInt8(ascii: "-"), index + 1 < bytes.count, bytes[index + 1] != UInt8(ascii: "]") {
                index += 1
                var high = bytes[index]
                index += 1
                if high == UInt8(ascii: "\\") {
                    guard let escaped = current else { throw error() }
                    index += 1
                    high = escaped
                }
                guard low <= high else { throw error() }
                set.insert(low...high)
            } else {
                set.insert(low...low)
            }
        }
        guard current == UInt8(ascii: "]") else { throw error() }
        index += 1
        return negated ? set.inverted() : set
    }
}
