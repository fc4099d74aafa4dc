// The libFuzzer driver: `fuzz TARGET [libFuzzer flags] [corpus directories or files]`, TARGET one
// of `csv`, `json`, `journal` (see FuzzTargets), or else the `FUZZ_TARGET` environment variable.
//
// scripts/fuzz.sh builds it with `-sanitize=fuzzer,address -DFUZZING`: libFuzzer then runs the
// target. SwiftPM links an executable's entry point as `main` (`--defsym main=fuzz_main`), so the
// top-level code below stays the entry point and hands over to libFuzzer's `LLVMFuzzerRunDriver`
// with the arguments that follow the target's name. The target's name is also put in
// `FUZZ_TARGET`, for the processes libFuzzer starts itself (`-minimize_crash`, `-fork`,
// `-merge`) with only its own flags. A plain build (no sanitizer) runs the target once over each
// file given, to replay an input.
import Foundation
import FuzzTargets

nonisolated(unsafe) var target = FuzzTargets.Target.csv

/// libFuzzer's entry point: one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTargets.run(target, UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

let arguments = CommandLine.arguments
let named = arguments.count >= 2 ? FuzzTargets.Target(rawValue: arguments[1]) : nil
guard let selected = named ?? ProcessInfo.processInfo.environment["FUZZ_TARGET"].flatMap(FuzzTargets.Target.init)
else {
    let names = FuzzTargets.Target.allCases.map(\.rawValue).joined(separator: "|")
    FileHandle.standardError.write(
        Data("usage: \(arguments.first ?? "fuzz") \(names) [libFuzzer flags] [corpus directories or files]\n".utf8))
    exit(2)
}
target = selected
setenv("FUZZ_TARGET", selected.rawValue, 1)
let firstArgument = named == nil ? 1 : 2

#if FUZZING
    @_silgen_name("LLVMFuzzerRunDriver")
    func runDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    // libFuzzer's arguments: ours without the target's name.
    var driverArguments =
        [CommandLine.unsafeArgv[0]] + (firstArgument..<Int(CommandLine.argc)).map { CommandLine.unsafeArgv[$0] }
    driverArguments.append(nil)
    var driverCount = CInt(driverArguments.count - 1)
    let status = driverArguments.withUnsafeMutableBufferPointer { buffer in
        var pointer = buffer.baseAddress!
        return runDriver(&driverCount, &pointer) { fuzzOne($0, $1) }
    }
    exit(status)
#else
    var inputs = 0
    for path in arguments.dropFirst(firstArgument) {
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        let files =
            isDirectory.boolValue
            ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { "\(path)/\($0)" }
            : [path]
        for file in files {
            guard let bytes = FileManager.default.contents(atPath: file) else {
                FileHandle.standardError.write(Data("\(file): cannot read it\n".utf8))
                exit(2)
            }
            bytes.withUnsafeBytes { FuzzTargets.run(selected, $0) }
            inputs += 1
        }
    }
    print("\(selected.rawValue): \(inputs) inputs, no invariant broken")
#endif
