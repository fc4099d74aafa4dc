import Testing

@testable import AddressRules

@Suite("CountryNames")
struct CountryNamesTests {
    let names = CountryNames.shipped

    @Test(
        "English, ISO and official-language names find their country",
        arguments: [
            ("United States", "US"), ("United States of America", "US"), ("USA", "US"), ("Estados Unidos", "US"),
            ("Deutschland", "DE"), ("Germany", "DE"), ("España", "ES"), ("Espanya", "ES"), ("Österreich", "AT"),
            ("Schweiz", "CH"), ("Suisse", "CH"), ("Svizzera", "CH"), ("Switzerland", "CH"), ("Japan", "JP"),
            ("日本", "JP"), ("中国", "CN"), ("대한민국", "KR"), ("South Korea", "KR"), ("Korea, Republic of", "KR"),
            ("Côte d’Ivoire", "CI"), ("Côte d'Ivoire", "CI"), ("Ivory Coast", "CI"), ("Czechia", "CZ"),
            ("Czech Republic", "CZ"), ("Česko", "CZ"), ("UK", "GB"), ("United Kingdom", "GB"), ("Türkiye", "TR"),
            ("Turkey", "TR"), ("Bosnia & Herzegovina", "BA"), ("Bosnia and Herzegovina", "BA"),
            ("St. Lucia", "LC"), ("Saint Lucia", "LC"), ("Россия", "RU"), ("Ελλάδα", "GR"),
        ])
    func names(text: String, code: String) {
        #expect(names.lookup(text) == .code(code))
    }

    @Test(
        "case, accents, spaces and punctuation do not count",
        arguments: [
            ("Espana", "ES"), ("ESPAÑA", "ES"), ("Osterreich", "AT"), ("österreich", "AT"), ("OSTERREICH", "AT"),
            ("united-states", "US"), ("UNITED STATES", "US"), ("  united   states ", "US"), ("unitedstates", "US"),
            ("U.S.A.", "US"), ("U.S.", "US"), ("u.k.", "GB"), ("Cote d'Ivoire", "CI"), ("cote divoire", "CI"),
            ("COTE-D'IVOIRE", "CI"), ("czech-republic", "CZ"), ("Cesko", "CZ"), ("south korea", "KR"),
            ("Turkiye", "TR"), ("Foroyar", "FO"), ("Bosnia-Herzegovina", "BA"), ("Sao Tome and Principe", "ST"),
        ])
    func folding(text: String, code: String) {
        #expect(names.lookup(text) == .code(code))
    }

    @Test("unknown names, and text that is no name, are unknown", arguments: ["Atlantis", "", "   ", "-", "America"])
    func unknown(text: String) {
        #expect(names.lookup(text) == .unknown)
    }

    @Test("no shipped name belongs to two countries; a name that does is ambiguous")
    func ambiguity() {
        let shared = names.codesByKey.filter { $0.value.count > 1 }
        #expect(shared.isEmpty, "\(shared)")
        let table = CountryNames(table: "CD|Congo|Congo - Kinshasa\nCG|Congo|Congo - Brazzaville")
        #expect(table.lookup("congo") == .ambiguous(["CD", "CG"]))
        #expect(table.lookup("Congo-Kinshasa") == .code("CD"))
    }

    @Test("every country of the address table has names, and no name spells another country's code")
    func codes() {
        let codes = Set(names.codesByKey.values.joined())
        #expect(codes == Set(CountryTable.shipped.countries.keys))
        for (key, keyCodes) in names.codesByKey where codes.contains(key) {
            #expect(keyCodes == [key], "\(key) names \(keyCodes)")
        }
    }
}
