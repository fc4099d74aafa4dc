import AddressRules
import Foundation
import JSONDocument
import PartnerCenter

/// `billing-migrate doctor`: proves, on the real tenant and one customer the operator chooses, the
/// assumptions a big run rests on: the endpoint, the token, the billing profile's shape on the
/// wire, the country rules, address validation, and whether Partner Center enforces the ETag.
///
/// Changes nothing: the enforcement probe PUTs the profile exactly as read, with a wrong ETag.
public struct Doctor: Sendable {
    /// One finding.
    public struct Check: Sendable, Equatable {
        public enum Verdict: String, Sendable {
            case pass, warn, fail
        }

        public let name: String
        public let verdict: Verdict
        /// What was found.
        public let finding: String
        /// What to do about it, when it is not a pass.
        public let advice: String?
    }

    let client: PartnerCenterClient
    let tokens: any TokenProvider
    let endpoint: String
    let customerId: String
    let placement: ETagPlacement

    public init(
        client: PartnerCenterClient, tokens: any TokenProvider, endpoint: String, customerId: String,
        placement: ETagPlacement
    ) {
        self.client = client
        self.tokens = tokens
        self.endpoint = endpoint
        self.customerId = customerId
        self.placement = placement
    }

    /// Runs every check in order; a check that the ones before it make impossible is not run.
    public func run() async -> [Check] {
        let correlationId = UUID().uuidString.lowercased()
        var checks: [Check] = []
        do {
            _ = try await tokens.token()
            checks.append(Check(name: "token", verdict: .pass, finding: await tokens.describe(), advice: nil))
        } catch {
            checks.append(
                Check(
                    name: "token", verdict: .fail, finding: error.summary,
                    advice: "check PARTNER_CENTER_TENANT_ID, _CLIENT_ID, _CLIENT_SECRET (and _REFRESH_TOKEN for "
                        + "App+User), --authority and --resource"))
            return checks
        }
        let probe: PartnerCenterClient.ProfileProbe
        do {
            probe = try await client.probeBillingProfile(customerId: customerId, correlationId: correlationId)
            checks.append(endpointCheck())
        } catch {
            checks.append(contentsOf: Self.unreachable(error, endpoint: endpoint))
            return checks
        }
        checks.append(Self.profileCheck(probe))
        if let country = probe.profile.address[.country] {
            checks.append(await rulesCheck(country, correlationId: correlationId))
        }
        checks.append(await validationCheck(probe.profile.address, correlationId: correlationId))
        if probe.profile.etag != nil {
            checks.append(await enforcementCheck(probe.profile, correlationId: correlationId))
        }
        return checks
    }

    private func endpointCheck() -> Check {
        let secure = endpoint.lowercased().hasPrefix("https://")
        return Check(
            name: "endpoint", verdict: .pass,
            finding: secure
                ? "\(endpoint) answered over TLS, its certificate verified"
                : "\(endpoint) answered (plain HTTP on loopback)",
            advice: nil)
    }

    private static func unreachable(_ error: PartnerCenterError, endpoint: String) -> [Check] {
        if case .transport = error.kind {
            return [
                Check(
                    name: "endpoint", verdict: .fail, finding: "\(endpoint): \(error.summary)",
                    advice: "check --endpoint or --cloud, the network path (proxy, firewall) and the TLS chain")
            ]
        }
        return [
            Check(name: "endpoint", verdict: .pass, finding: "\(endpoint) answered", advice: nil),
            Check(
                name: "billing profile", verdict: .fail, finding: error.summary,
                advice: error.status == 404
                    ? "check the --customer ID: it must be a customer of this partner"
                    : "the run would fail the same way on every row; fix this first"),
        ]
    }

    private static func profileCheck(_ probe: PartnerCenterClient.ProfileProbe) -> Check {
        let names = probe.memberNames.filter { $0.first?.isLetter == true }
        let casing =
            names.allSatisfy { $0.first?.isLowercase == true }
            ? "camelCase" : names.allSatisfy { $0.first?.isUppercase == true } ? "PascalCase" : "mixed case"
        let bom = probe.hadByteOrderMark ? "starts with a UTF-8 byte-order mark" : "no byte-order mark"
        guard let etag = probe.profile.etag else {
            return Check(
                name: "billing profile", verdict: .fail,
                finding: "HTTP 200, \(bom), member names in \(casing), but no attributes.etag",
                advice: "without an ETag no write can be made safely; apply refuses such profiles")
        }
        return Check(
            name: "billing profile", verdict: .pass,
            finding: "HTTP 200, \(bom), member names in \(casing), ETag present (\(etag.prefix(24)))", advice: nil)
    }

    private func rulesCheck(_ country: String, correlationId: String) async -> Check {
        do {
            let rules = try await client.countryValidationRules(country, correlationId: correlationId)
            var parts: [String] = []
            if let required = rules.isStateRequired {
                parts.append("state \(required ? "required" : "optional")")
            }
            if !rules.supportedStates.isEmpty { parts.append("\(rules.supportedStates.count) states listed") }
            let pattern = rules.postalCodeRegex.map { $0.isEmpty ? "empty (no constraint)" : $0 } ?? "none"
            parts.append("postal pattern \(pattern)")
            return Check(
                name: "country rules", verdict: .pass,
                finding: "served for \(rules.country): " + parts.joined(separator: ", "), advice: nil)
        } catch {
            return Check(
                name: "country rules", verdict: .warn, finding: "not served for \(country): \(error.summary)",
                advice: "plan and apply check \(country) addresses with the offline table only")
        }
    }

    private func validationCheck(_ address: AddressFields, correlationId: String) async -> Check {
        do {
            let answer = try await client.validateAddress(address, correlationId: correlationId)
            return Check(
                name: "address validation", verdict: .pass,
                finding: "reachable; the profile's address is \(answer.status)", advice: nil)
        } catch {
            return Check(
                name: "address validation", verdict: .warn, finding: error.summary,
                advice: "--verify-address report|strict would not work; plan and apply without it still do")
        }
    }

    /// Probes the two places an ETag can travel, each with a wrong ETag and the profile as read.
    private func enforcementCheck(_ profile: BillingProfile, correlationId: String) async -> Check {
        var enforced: [ETagPlacement] = []
        var findings: [String] = []
        for probe in [ETagPlacement.header, .body] {
            let place = probe == .header ? "If-Match" : "attributes.etag"
            do {
                let status = try await client.probeETagEnforcement(
                    customerId: customerId, profile: profile, placement: probe, correlationId: correlationId)
                findings.append("a wrong ETag in \(place) was accepted (HTTP \(status))")
            } catch  where error.isConflict {
                enforced.append(probe)
                findings.append(
                    "a wrong ETag in \(place) was refused (HTTP \(error.status ?? 0)\(error.code.map { ", code \($0)" } ?? ""))"
                )
            } catch {
                return Check(
                    name: "ETag enforcement", verdict: .fail, finding: "the probe failed: \(error.summary)",
                    advice: "run doctor again; if it persists, the tool cannot tell whether writes are protected")
            }
        }
        let finding = findings.joined(separator: "; ")
        if enforced.isEmpty {
            return Check(
                name: "ETag enforcement", verdict: .fail,
                finding: finding + ": Partner Center does not enforce the ETag",
                advice: "apply cannot protect another writer's concurrent change to a profile (the probe wrote the "
                    + "profile exactly as read, so nothing changed); never use --trust-etag against this service")
        }
        let carried = [ETagPlacement.header, .body].filter { placement == .both || placement == $0 }
        guard enforced.contains(where: carried.contains) else {
            let use = enforced.first?.rawValue ?? "both"
            return Check(
                name: "ETag enforcement", verdict: .fail,
                finding: finding + "; --etag-in \(placement.rawValue) sends the ETag where it is not checked",
                advice: "run with --etag-in \(use) or --etag-in both")
        }
        return Check(
            name: "ETag enforcement", verdict: .pass,
            finding: finding + "; --etag-in \(placement.rawValue) is protected", advice: nil)
    }
}

extension Doctor.Check {
    /// The check as a JSON object, for `--report`.
    public var json: JSONValue {
        var object = JSONObject()
        object["name"] = .string(name)
        object["verdict"] = .string(verdict.rawValue)
        object["finding"] = .string(finding)
        object["advice"] = advice.map(JSONValue.string) ?? .null
        return .object(object)
    }
}
