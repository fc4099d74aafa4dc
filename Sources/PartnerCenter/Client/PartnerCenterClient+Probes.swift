import JSONDocument

/// What `doctor` asks of the wire, beyond what a run needs.
extension PartnerCenterClient {
    /// One billing-profile GET as it looked on the wire.
    public struct ProfileProbe: Sendable {
        public let profile: BillingProfile
        public let hadByteOrderMark: Bool
        /// The top-level member names, as spelled.
        public let memberNames: [String]
        public let requestId: String?
    }

    /// `GET /v1/customers/{id}/profiles/billing`, keeping what the wire showed.
    public func probeBillingProfile(customerId: String, correlationId: String) async throws(PartnerCenterError)
        -> ProfileProbe
    {
        let response = try await execute(
            method: "GET", path: "/v1/customers/\(customerId)/profiles/billing", correlationId: correlationId)
        guard let profile = try? BillingProfile(json: response.body) else {
            throw PartnerCenterError(
                kind: .invalidResponse, status: response.status, detail: "not the JSON object expected",
                requestId: response.header("MS-RequestId"), correlationId: correlationId)
        }
        return ProfileProbe(
            profile: profile, hadByteOrderMark: response.hadByteOrderMark, memberNames: profile.document.keys,
            requestId: response.header("MS-RequestId"))
    }

    /// The ETag no profile ever has, for the enforcement probe.
    public static let probeETag = "billing-migrate-doctor-not-an-etag"

    /// PUTs `profile` exactly as read, but with a wrong ETag where `placement` carries it (and none
    /// in the other place): a conflict answer proves Partner Center enforces that placement; a
    /// success proves it does not, and is harmless, since the document written is the one read.
    /// - Returns: the status of a success answer.
    /// - Throws: Partner Center's answer otherwise (``PartnerCenterError/isConflict`` for enforcement).
    public func probeETagEnforcement(
        customerId: String, profile: BillingProfile, placement: ETagPlacement, correlationId: String
    ) async throws(PartnerCenterError) -> Int {
        var document = profile.document
        if var attributes = document[anyCase: "attributes"]?.objectValue {
            attributes[anyCase: "etag"] = placement.inBody ? .string(Self.probeETag) : nil
            document[anyCase: "attributes"] = .object(attributes)
        }
        let response = try await execute(
            method: "PUT", path: "/v1/customers/\(customerId)/profiles/billing",
            body: JSONValue.object(document).serialized, ifMatch: placement.inHeader ? Self.probeETag : nil,
            correlationId: correlationId, retryAmbiguous: false)
        return response.status
    }
}
