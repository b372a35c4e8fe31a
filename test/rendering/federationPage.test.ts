import { expect } from "chai";
import { renderFederationPage } from "../../server/http/rendering/federationPage.ts";
import type { TrustListState } from "../../server/services/trustListWatch.ts";

const BEIJING = {
  chainId: 31337,
  ledger: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
  registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  name: { zh: "北京市证照核验服务", en: "Beijing certificate service" },
  origins: ["https://cert.beijing.example"],
};
const langUrls = { zh: "/federation?lang=zh", en: "/federation?lang=en" };
const state = (over: Partial<TrustListState> = {}): TrustListState => ({
  list: { deployments: [BEIJING], issuedAt: "2026-11-01T00:00:00Z", expiresAt: "2027-01-01T00:00:00Z" },
  file: "/etc/certledger/trust-list.json",
  refused: null,
  expired: false,
  ...over,
});
const render = (locale: "zh" | "en", s: TrustListState) =>
  renderFederationPage({ locale, langUrls, state: s, timeZone: "Asia/Shanghai" });

describe("rendering: the operator page of recognised deployments", () => {
  it("lists each recognised deployment with its origin, chain and ledger, and the list's expiry, in both languages", () => {
    const zh = render("zh", state());
    expect(zh).to.include("北京市证照核验服务").and.to.include(BEIJING.origins[0]).and.to.include(BEIJING.ledger);
    expect(zh).to.include("列表有效期至").and.to.include('data-expires-at="2027-01-01T00:00:00Z"');
    const en = render("en", state());
    expect(en).to.include("Beijing certificate service").and.to.include("The list is valid until");
  });

  it("shows an expired list as recognising nothing, and a refused change without naming the file", () => {
    const expired = render("en", state({ expired: true }));
    expect(expired).to.include("The list expired at").and.to.include("No other service is recognised");
    expect(expired).not.to.include(BEIJING.origins[0]);
    const refused = render("en", state({ refused: "TRUST_LIST /etc/certledger/trust-list.json is refused: …" }));
    expect(refused).to.include("was refused").and.not.to.include("/etc/certledger");
    expect(render("zh", state({ list: null }))).to.include("未配置信任列表");
  });
});
