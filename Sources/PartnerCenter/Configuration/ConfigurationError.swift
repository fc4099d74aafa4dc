/// A setting that cannot work (a bad endpoint, missing credentials, an env file others can read):
/// the run stops before sending anything, with exit code 2.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
