import AddressRules
import ArgumentParser
import Foundation
import JSONDocument
import Logging

/// How logs and stderr messages look: `text` for people, `json` for log collectors.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json

    static let help = ArgumentHelp(
        "How logs and messages on stderr look: text, or json (one object per line, for log collectors).")
}

/// `--log-format json`: one JSON object per line on stderr: `ts`, `level`, `message`, then the
/// metadata under the journal's own keys (`line`, `customer`, `correlationId`, `status`,
/// `outcome`, `code`), numbers as numbers.
struct JSONLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let line = Self.line(level: event.level, message: "\(event.message)", metadata: fields)
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Keys whose values are written as JSON numbers when they are numbers.
    private static let numericKeys: Set<String> = ["line", "status", "done", "total", "failures", "rows"]

    /// One log object as a line of JSON, without the line feed.
    static func line(level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        var object = JSONObject()
        object["ts"] = .string(Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        object["level"] = .string(level.rawValue)
        object["message"] = .string(message)
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) where object[key] == nil {
            let text = "\(value)"
            object[key] = numericKeys.contains(key) && Double(text) != nil ? .number(text) : .string(text)
        }
        return JSONValue.object(object).text
    }
}

/// `--log-format text`: swift-log's stream handler on stderr, with control and text-direction
/// characters in the message and the metadata shown escaped (they may carry a cell, a profile
/// value or a server's words).
struct VisibleTextLogHandler: LogHandler {
    private var inner: StreamLogHandler

    init(label: String) {
        inner = StreamLogHandler.standardError(label: label)
    }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        event.message = "\(VisibleText.escaped("\(event.message)"))"
        event.metadata = event.metadata?.mapValues { .string(VisibleText.escaped("\($0)")) }
        inner.log(event: event)
    }
}
