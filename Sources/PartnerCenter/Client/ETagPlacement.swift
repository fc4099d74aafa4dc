import JSONDocument

/// Where a PUT carries the ETag it read (`--etag-in`).
///
/// Partner Center's documentation asks for `If-Match: "<etag>"`, yet none of Microsoft's own
/// clients sends it on this PUT: they rely on `attributes.etag` in the body. Which one the
/// service enforces is not documented, so the tool sends both by default, and `doctor` proves
/// what the tenant's service does.
public enum ETagPlacement: String, Sendable, CaseIterable {
    /// `If-Match` only; the body's `attributes.etag` is left out.
    case header
    /// The body's `attributes.etag` only, as Microsoft's SDKs do; no `If-Match`.
    case body
    /// Both (the default).
    case both

    public var inHeader: Bool { self != .body }
    public var inBody: Bool { self != .header }
}

extension BillingProfile {
    /// The profile as a PUT sends it under `placement`: without `attributes.etag` for `header`,
    /// otherwise exactly as it is.
    public func placingETag(_ placement: ETagPlacement) -> BillingProfile {
        guard !placement.inBody, var attributes = document[anyCase: "attributes"]?.objectValue,
            attributes.index(anyCase: "etag") != nil
        else { return self }
        attributes[anyCase: "etag"] = nil
        var copy = document
        copy[anyCase: "attributes"] = .object(attributes)
        return BillingProfile(document: copy)
    }
}
