import AddressRules
import JSONDocument
import PartnerCenter
import Testing

@Suite("Reading Partner Center's bodies")
struct ResponseParsingTests {
    @Test("a profile is patched in place: key spelling and order kept, absent fields added, cleared ones sent as null")
    func patching() throws {
        let json =
            #"{"id":"p","DefaultAddress":{"AddressLine1":"1 A St","city":"X","district":"D","x-extra":{"n":1.50}},"attributes":{"etag":"-42","objectType":"CustomerBillingProfile"},"unknown":[1,2]}"#
        let profile = try BillingProfile(json: Array(json.utf8))
        #expect(profile.etag == "-42")
        #expect(profile.address[.addressLine1] == "1 A St")
        let patched = profile.applying([
            .addressLine1: .set("2 B St"), .city: .clear, .state: .set("WA"), .addressLine2: .clear,
        ])
        #expect(
            String(decoding: patched.body, as: UTF8.self)
                == #"{"id":"p","DefaultAddress":{"AddressLine1":"2 B St","city":null,"district":"D","x-extra":{"n":1.50},"addressLine2":null,"state":"WA"},"attributes":{"etag":"-42","objectType":"CustomerBillingProfile"},"unknown":[1,2]}"#
        )
        #expect(patched.address[.city] == nil && patched.address[.addressLine2] == nil)
    }

    @Test("country rules read the flat lists and the old wrapped shape")
    func countryRules() throws {
        let flat = try #require(
            CountryValidationRules(
                json: Array(
                    #"{"iso2Code":"US","isStateRequired":true,"supportedStatesList":["WA","NY"],"isPostalCodeRequired":true,"postalCodeRegex":"^\\d{5}(-\\d{4})?$","isCityRequired":true}"#
                        .utf8)))
        #expect(flat.supportedStates == ["WA", "NY"])
        #expect(flat.postalCodeRegex == #"^\d{5}(-\d{4})?$"#)
        #expect(flat.isStateRequired == true && flat.isCityRequired == true)
        let wrapped = try #require(
            CountryValidationRules(
                json: Array(#"{"iso2Code":"CA","isStateRequired":true,"states":{"value":["ON","QC"]}}"#.utf8)))
        #expect(wrapped.supportedStates == ["ON", "QC"])
        #expect(wrapped.isPostalCodeRequired == nil && wrapped.isCityRequired == nil)
        #expect(CountryValidationRules(json: Array("[]".utf8)) == nil)
    }
}
