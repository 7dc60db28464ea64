import { describe, expect, it } from "vitest";
import { moveActive } from "./combobox";
import { fold, highlight, type Segment } from "./highlight";
import { readSearch, searchHref } from "./search-url";

/** The marked parts in brackets: "[Junip]er [Hal]l". */
function marked(segments: Segment[]): string {
  return segments.map((s) => (s.match ? `[${s.text}]` : s.text)).join("");
}

describe("highlight", () => {
  it("marks the start of the words a query begins", () => {
    expect(marked(highlight("Juniper Hall", "juni"))).toBe("[Juni]per Hall");
    expect(marked(highlight("The Tide Pools", "tide po"))).toBe("The [Tide] [Po]ols");
  });

  it("marks what a misspelled word shares with the word it was meant to be", () => {
    expect(marked(highlight("Juniper Hall", "junipr hal"))).toBe("[Junip]er [Hal]l");
    expect(marked(highlight("The Beatles", "beatls"))).toBe("The [Beatl]es");
  });

  it("does not mark a chance first letter or a word's middle", () => {
    expect(marked(highlight("Jazz Club", "junipr"))).toBe("Jazz Club");
    expect(marked(highlight("Sea Glass", "las"))).toBe("Sea Glass");
    expect(marked(highlight("Hamlet", "hal"))).toBe("Hamlet");
  });

  it("ignores case and accents, and keeps the text as written", () => {
    expect(marked(highlight("Björk", "BJOR"))).toBe("[Björ]k");
    expect(marked(highlight("Sigur Rós", "ros"))).toBe("Sigur [Rós]");
    expect(marked(highlight("Mötley Crüe", "motley"))).toBe("[Mötley] Crüe");
    // A letter that folds to two: the mark never splits it.
    expect(marked(highlight("Straße", "stras"))).toBe("[Straß]e");
    expect(marked(highlight("Ærø", "aero"))).toBe("[Ærø]");
    expect(marked(highlight("Ærø", "aer"))).toBe("[Ær]ø");
  });

  it("gives the text unmarked for an empty query or one of punctuation only", () => {
    expect(highlight("Kettle Song", "")).toEqual([{ text: "Kettle Song", match: false }]);
    expect(highlight("Kettle Song", " - ")).toEqual([{ text: "Kettle Song", match: false }]);
    expect(highlight("", "a")).toEqual([{ text: "", match: false }]);
  });

  it("marks each word a query word begins, and the longest match wins", () => {
    expect(marked(highlight("Slow Walk, Slack Water", "sl"))).toBe("[Sl]ow Walk, [Sl]ack Water");
    expect(marked(highlight("Paper Boats", "p pap"))).toBe("[Pap]er Boats");
  });

  it("folds a query the way the server does", () => {
    expect(fold("Café DÉJÀ Vu")).toBe("cafe deja vu");
  });
});

describe("moveActive", () => {
  it("goes down the options, then back to the text box, then round again", () => {
    const seen: number[] = [];
    let i = -1;
    for (let n = 0; n < 5; n++) {
      i = moveActive(i, "ArrowDown", 3);
      seen.push(i);
    }
    expect(seen).toEqual([0, 1, 2, -1, 0]);
  });

  it("goes up from the text box to the last option", () => {
    expect(moveActive(-1, "ArrowUp", 3)).toBe(2);
    expect(moveActive(0, "ArrowUp", 3)).toBe(-1);
    expect(moveActive(2, "ArrowUp", 3)).toBe(1);
  });

  it("stays in the text box when there is nothing to pick", () => {
    expect(moveActive(-1, "ArrowDown", 0)).toBe(-1);
    expect(moveActive(3, "ArrowUp", 0)).toBe(-1);
  });

  it("recovers from an index left over from a longer list", () => {
    expect(moveActive(7, "ArrowDown", 3)).toBe(-1);
    expect(moveActive(7, "ArrowUp", 3)).toBe(1);
  });
});

describe("the results page address", () => {
  it("holds the query and the kind of result", () => {
    expect(searchHref("junipr  hal ")).toBe("/search?q=junipr+hal");
    expect(searchHref("sea & sky", "songs")).toBe("/search?q=sea+%26+sky&type=songs");
    expect(searchHref("  ")).toBe("/search");
  });

  it("reads back what it wrote, and ignores a kind it does not know", () => {
    expect(readSearch(new URLSearchParams("q=sea+%26+sky&type=songs"))).toEqual({
      q: "sea & sky",
      type: "songs",
    });
    expect(readSearch(new URLSearchParams("q=x&type=podcasts"))).toEqual({ q: "x", type: null });
    expect(readSearch(new URLSearchParams(""))).toEqual({ q: "", type: null });
  });
});
