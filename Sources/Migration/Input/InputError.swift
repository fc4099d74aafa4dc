/// A fault in the input file as a whole (its header, its encoding, its structure): the run stops
/// before anything is sent, with exit code 2.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    /// The line the fault is on, when there is one.
    public let line: Int?
    public let message: String

    public init(path: String, line: Int?, _ message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String {
        "\(path)\(line.map { ":\($0)" } ?? ""): \(message)"
    }
}
