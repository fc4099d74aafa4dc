import Foundation
import PartnerCenter
import Testing

@Suite("Endpoints, credentials and env files")
struct ConfigurationTests {
    @Test(
        "https endpoints pass; http passes only for loopback hosts",
        arguments: [
            ("https://api.partnercenter.microsoft.com/", true), ("http://127.0.0.1:8080", true),
            ("http://localhost:1", true), ("http://[::1]:9", true), ("http://api.partnercenter.microsoft.com", false),
            ("http://10.0.0.1", false), ("ftp://example.com", false), ("not a url", false),
        ])
    func endpoints(url: String, accepted: Bool) {
        #expect(((try? Endpoint.validated(url, option: "--endpoint")) != nil) == accepted)
    }

    @Test("cloud presets name their endpoint and authority")
    func clouds() {
        #expect(PartnerCenterCloud.usgov.endpoint == PartnerCenterCloud.global.endpoint)
        #expect(PartnerCenterCloud.usgov.authority == "https://login.microsoftonline.us")
        #expect(PartnerCenterCloud.china.endpoint == "https://partner.partnercenterapi.microsoftonline.cn")
    }

    @Test("credentials: a ready token, app-only, App+User, and what is missing")
    func credentials() throws {
        #expect("\(try Credentials.from(environment: ["PARTNER_CENTER_ACCESS_TOKEN": "t"]))" == "a ready access token")
        let app = [
            "PARTNER_CENTER_TENANT_ID": "contoso.onmicrosoft.com", "PARTNER_CENTER_CLIENT_ID": "c",
            "PARTNER_CENTER_CLIENT_SECRET": "s3cr3t",
        ]
        guard case .clientCredentials = try Credentials.from(environment: app) else { throw Failure() }
        var user = app
        user["PARTNER_CENTER_REFRESH_TOKEN"] = "r"
        guard case .appPlusUser = try Credentials.from(environment: user) else { throw Failure() }
        #expect(!"\(try Credentials.from(environment: app))".contains("s3cr3t"))
        #expect(throws: ConfigurationError.self) { try Credentials.from(environment: [:]) }
        #expect(throws: ConfigurationError("incomplete credentials: PARTNER_CENTER_CLIENT_SECRET not set.")) {
            try Credentials.from(environment: ["PARTNER_CENTER_TENANT_ID": "t", "PARTNER_CENTER_CLIENT_ID": "c"])
        }
    }

    @Test(
        "a tenant is a GUID or a domain name",
        arguments: [
            ("contoso.onmicrosoft.com", true), ("0b7e2a4c-3f1d-4e5a-9c8b-1a2b3c4d5e6f", true), ("../../evil?x=", false),
            ("contoso", false), ("a b.com", false), ("-bad.com", false),
        ])
    func tenants(tenant: String, accepted: Bool) {
        let environment = [
            "PARTNER_CENTER_TENANT_ID": tenant, "PARTNER_CENTER_CLIENT_ID": "c",
            "PARTNER_CENTER_CLIENT_SECRET": "s3cr3t",
        ]
        #expect(((try? Credentials.from(environment: environment)) != nil) == accepted)
    }

    @Test("an env file: a # after white space in an unquoted value starts a comment; quoted values keep it")
    func envFileComments() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("env-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "A=abc # note\nB=\"x # y\"\nC=p#q\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o600)
        let values = try EnvFile.load(path)
        #expect(values == ["A": "abc", "B": "x # y", "C": "p#q"])
    }

    @Test("an env file is read only when no one else can read it")
    func envFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("env-\(UUID())").path
        try "# secrets\nexport PARTNER_CENTER_TENANT_ID=\"t\"\nPARTNER_CENTER_CLIENT_SECRET='a=b'\n\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        chmod(path, 0o644)
        #expect(throws: ConfigurationError.self) { try EnvFile.load(path) }
        chmod(path, 0o600)
        #expect(try EnvFile.load(path) == ["PARTNER_CENTER_TENANT_ID": "t", "PARTNER_CENTER_CLIENT_SECRET": "a=b"])
    }

    struct Failure: Error {}
}
