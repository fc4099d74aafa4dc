import PartnerCenter
import Testing

@Suite("The pace, event by event and over seeded fault sequences")
struct PaceTests {
    private static func quotaUsed(_ result: PaceWorld.Result, perSecond: Double) -> Double {
        Double(result.accepted) / (perSecond * result.seconds)
    }

    @Test(
        "a quota is found and used (>= 90 %, < 5 % of requests throttled): strict bucket and small burst, c=8 and c=32",
        arguments: [(nil, 8), (nil, 32), (10, 8), (10, 32)] as [(Double?, Int)], 1...5 as ClosedRange<UInt64>)
    func quota(model: (burst: Double?, concurrency: Int), seed: UInt64) {
        let world = PaceWorld(
            service: .quota(perSecond: 20, burst: model.burst), rows: 300, concurrency: model.concurrency, seed: seed)
        let result = world.run()
        let used = Self.quotaUsed(result, perSecond: 20)
        #expect(used >= 0.9, "quota used: \(used)")
        #expect(result.throttledShare < 0.05, "throttled: \(result.throttledShare)")
        #expect(result.pace.baseline == 0, "a quota's throttles follow the pace")
        #expect(result.failedRows == 0)
    }

    @Test(
        "throttles, 5xx and drops that do not follow the pace never slow the run much below a run with no pace",
        arguments: 1...24 as ClosedRange<UInt64>)
    func brownout(seed: UInt64) {
        let (paced, free) = PaceWorld(
            service: .faults(throttle: 0.05, serverError: 0.10, drop: 0.03), rows: 300, concurrency: 8, seed: seed
        ).runBesideNoPace()
        #expect(paced.seconds <= free.seconds * 1.5, "\(paced.seconds) s against \(free.seconds) s with no pace")
    }

    @Test(
        "throttles alone (10 % of requests, whatever the rate) are learned as a baseline",
        arguments: 1...8 as ClosedRange<UInt64>)
    func randomThrottles(seed: UInt64) {
        let (paced, free) = PaceWorld(
            service: .faults(throttle: 0.10, serverError: 0, drop: 0), rows: 300, concurrency: 8, seed: seed
        ).runBesideNoPace()
        #expect(paced.seconds <= free.seconds * 1.5, "\(paced.seconds) s against \(free.seconds) s with no pace")
        #expect(paced.pace.baseline > 0.05 && paced.pace.baseline < 0.15, "baseline \(paced.pace.baseline)")
    }

    @Test(
        "a quota with 5xx and drops on top is still found: >= 80 % used, < 5 % throttled",
        arguments: 1...8 as ClosedRange<UInt64>)
    func quotaUnderBrownout(seed: UInt64) {
        let world = PaceWorld(
            service: .quotaWithFaults(perSecond: 20, serverError: 0.10, drop: 0.03), rows: 300, concurrency: 8,
            seed: seed)
        let result = world.run()
        let used = Self.quotaUsed(result, perSecond: 20)
        #expect(used >= 0.8, "quota used: \(used)")
        #expect(result.throttledShare < 0.05, "throttled: \(result.throttledShare)")
    }
}
