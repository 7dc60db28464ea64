import { v2 as cloudinary } from "cloudinary";
import { describe, expect, it } from "vitest";
import { createCloudinaryMediaStore, parseCloudinaryUrl, signParams } from "./cloudinary.js";

const config = parseCloudinaryUrl("cloudinary://123456789012345:abcdeFGHijkLMNopq@demo-cloud");

describe("Cloudinary adapter (offline parts)", () => {
  it("reads CLOUDINARY_URL and refuses a malformed one", () => {
    expect(config).toEqual({
      cloudName: "demo-cloud",
      apiKey: "123456789012345",
      apiSecret: "abcdeFGHijkLMNopq",
      folder: "chorus",
    });
    expect(() => parseCloudinaryUrl("https://x@y")).toThrow(
      /cloudinary:\/\/<api_key>:<api_secret>@<cloud_name>/,
    );
  });

  it("signs requests the way Cloudinary documents (and its SDK computes)", () => {
    const params = {
      public_id: "chorus/cover-1",
      timestamp: 1315060510,
      eager: "w_400,h_300,c_pad|w_260,h_200,c_crop",
    };
    const expected = "bfd09f95f331f558cbd1320e67aa8d488770583e";
    // The example from Cloudinary's "generating authentication signatures" guide.
    expect(
      signParams(
        { timestamp: 1315060510, public_id: "sample_image", eager: "w_400,h_300,c_pad|w_260,h_200,c_crop" },
        "abcd",
      ),
    ).toBe(expected);
    expect(signParams(params, config.apiSecret)).toBe(
      cloudinary.utils.api_sign_request(params, config.apiSecret),
    );
  });

  it("builds delivery URLs with the cover transformation", () => {
    const store = createCloudinaryMediaStore(config);
    expect(store.imageUrl("cover-abc.jpg", "cover")).toBe(
      "https://res.cloudinary.com/demo-cloud/image/upload/c_fill,f_auto,h_300,q_auto,w_300/chorus/cover-abc",
    );
    expect(store.imageUrl("avatar-u1-ff.png", "thumb")).toContain(
      "/image/upload/c_fill,f_auto,h_64,q_auto,w_64/chorus/avatar-u1-ff",
    );
    expect(store.directUrl("song-1.mp3")).toBe(
      "https://res.cloudinary.com/demo-cloud/video/upload/chorus/song-1.mp3",
    );
    expect(() => store.imageUrl("../etc/passwd")).toThrow(/invalid media key/);
  });
});

const live = process.env.CLOUDINARY_URL;
describe("Cloudinary adapter against the real service", () => {
  it.skipIf(!live)(
    "uploads, stats, reads and deletes an image (runs only when CLOUDINARY_URL is set)",
    async () => {
      const store = createCloudinaryMediaStore(parseCloudinaryUrl(live!, "chorus-test"));
      const png = Buffer.from(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
          "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
        "hex",
      );
      const key = `test-${Date.now()}.png`;
      await store.put(key, png, "image/png");
      expect((await store.stat(key))?.size).toBeGreaterThan(0);
      await store.delete(key);
    },
  );
  if (!live)
    console.warn("Cloudinary upload test skipped: set CLOUDINARY_URL to run it against the real service.");
});
