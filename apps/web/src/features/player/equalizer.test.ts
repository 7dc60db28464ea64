import { describe, expect, it } from "vitest";
import { replayFactor } from "./engine";
import { DEFAULT_EQUALIZER, EQ_PRESETS, presetFor, withBand, withPreset } from "./equalizer";

describe("equalizer presets", () => {
  it("every preset has ten bands within ±12 dB", () => {
    for (const p of Object.values(EQ_PRESETS)) {
      expect(p.bands).toHaveLength(10);
      for (const b of p.bands) expect(Math.abs(b)).toBeLessThanOrEqual(12);
    }
  });

  it("recognises a preset by its bands, and calls anything else custom", () => {
    const rock = withPreset({ ...DEFAULT_EQUALIZER, enabled: true }, "rock");
    expect(rock.preset).toBe("rock");
    expect(presetFor(rock.bands)).toBe("rock");
    const changed = withBand(rock, 9, 12);
    expect(changed.preset).toBe("custom");
    expect(changed.bands[9]).toBe(12);
    // Back to the preset's value: it is the preset again.
    expect(withBand(changed, 9, rock.bands[9]!).preset).toBe("rock");
  });

  it("keeps a band within the limits", () => {
    expect(withBand(DEFAULT_EQUALIZER, 0, 40).bands[0]).toBe(12);
    expect(withBand(DEFAULT_EQUALIZER, 0, -40).bands[0]).toBe(-12);
  });
});

describe("ReplayGain", () => {
  it("is neutral without a gain", () => {
    expect(replayFactor({ gainDb: null, peak: null })).toBe(1);
  });

  it("turns dB into a factor", () => {
    expect(replayFactor({ gainDb: -6, peak: null })).toBeCloseTo(0.501, 3);
  });

  it("holds a boost down so the peak does not clip", () => {
    expect(replayFactor({ gainDb: 6, peak: 0.8 })).toBeCloseTo(1.25, 5);
  });
});
