/// Placeholder until the address rules land.
enum AddressRulesPlaceholder {}
