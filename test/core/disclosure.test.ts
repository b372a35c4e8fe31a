import { expect } from "chai";
import { maskValue } from "../../server/core/disclosure/mask.ts";
import { presentedView, publicView } from "../../server/core/disclosure/views.ts";
import { builtinTypes } from "../../server/core/registry/builtin.ts";
import { CertificateTypeRegistry } from "../../server/core/registry/registry.ts";
import type { VerifiedCertificate } from "../../server/core/verification/result.ts";

const certificate = (subject: Record<string, unknown>): VerifiedCertificate => ({
  id: "01JE00000000000000000000AB",
  type: "driving-licence",
  issuer: { agencyId: 1, name: "北京市公安局公安交通管理局", jurisdiction: "110000" },
  subject,
  validFrom: "2021-05-10T00:00:00+08:00",
  hiddenFields: [],
});

describe("core: disclosure classes and masks", () => {
  it("masks names, addresses, identifiers and dates to a fixed share", () => {
    expect(maskValue("name", "孙示例")).to.equal("孙*例");
    expect(maskValue("name", "欧阳示例明")).to.equal("欧***明");
    expect(maskValue("name", "李四")).to.equal("李*");
    expect(maskValue("name", "𠀋")).to.equal("*");
    expect(maskValue("identifier", "11010119950220105X")).to.equal("110101********105X");
    expect(maskValue("identifier", "12345")).to.equal("1****");
    expect(maskValue("address", "北京市东城区示例胡同3号")).to.equal("北京市东城区****");
    expect(maskValue("address", "河北省石家庄市长安区示例路9号")).to.equal("河北省石家庄市长安区****");
    expect(maskValue("address", "Flat 3, 12 Example Road")).to.equal("****");
    expect(maskValue("year", "1995-02-20")).to.equal("1995-**-**");
    expect(maskValue("name", 42)).to.equal("****");
  });

  it("never keeps more of an address than its first sixteen characters, whatever its shape", () => {
    const long = `${"示".repeat(40)}区${"例".repeat(20)}`;
    expect(maskValue("address", long)).to.equal("****");
  });

  it("shows public fields, masks masked ones and leaves private ones out of the public view", () => {
    const type = builtinTypes().get("driving-licence");
    const view = publicView(
      certificate({
        licenceNumber: "11010119950220105X",
        holderName: "孙示例",
        gender: "male",
        address: "北京市东城区示例胡同3号",
        vehicleClasses: "C1",
      }),
      type,
    );
    expect(view.subject).to.deep.equal({
      licenceNumber: "110101********105X",
      holderName: "孙*例",
      address: "北京市东城区****",
      vehicleClasses: "C1",
    });
    expect(view.disclosure).to.deep.equal({
      view: "public",
      masked: ["licenceNumber", "holderName", "address"],
      withheld: ["gender"],
    });
  });

  it("treats a field the type does not know, or an unknown type, as private", () => {
    const view = publicView(certificate({ vehicleClasses: "C1", secretNote: "x" }), undefined);
    expect(view.subject).to.deep.equal({});
    expect(view.disclosure?.withheld).to.deep.equal(["vehicleClasses", "secretNote"]);
  });

  it("presents exactly the chosen fields, in full", () => {
    const view = presentedView(
      certificate({ licenceNumber: "11010119950220105X", holderName: "孙示例", address: "x" }),
      ["holderName"],
    );
    expect(view.subject).to.deep.equal({ holderName: "孙示例" });
    expect(view.disclosure).to.deep.equal({ view: "presentation", masked: [], withheld: ["licenceNumber", "address"] });
  });

  it("gives every shipped type's personal fields a class other than public", () => {
    for (const type of builtinTypes().list()) {
      for (const field of type.fields) {
        if (field.type === "resident-id" || field.name === "holderName" || field.name === "dateOfBirth") {
          expect(field.disclosure, `${type.name}.${field.name}`).to.not.equal("public");
        }
      }
    }
  });

  it("refuses definitions whose mask does not fit: a masked text without a mask, a mask on a public field", () => {
    const base = { name: "t", version: 1, typeId: 1, labels: { zh: "t", en: "t" }, validUntilRequired: false };
    const labels = { zh: "a", en: "a" };
    expect(() =>
      CertificateTypeRegistry.fromDefinitions([
        {
          ...base,
          fields: [{ name: "a", type: "string", maxLength: 5, required: true, labels, disclosure: "masked" }],
        },
      ]),
    ).to.throw(/needs a mask/);
    expect(() =>
      CertificateTypeRegistry.fromDefinitions([
        {
          ...base,
          fields: [
            { name: "a", type: "string", maxLength: 5, required: true, labels, disclosure: "public", mask: "name" },
          ],
        },
      ]),
    ).to.throw(/a mask needs/);
    expect(() =>
      CertificateTypeRegistry.fromDefinitions([
        {
          ...base,
          fields: [
            { name: "a", type: "string", maxLength: 5, required: true, labels, disclosure: "masked", mask: "year" },
          ],
        },
      ]),
    ).to.throw(/year mask is for dates/);
    const omitted = CertificateTypeRegistry.fromDefinitions([
      { ...base, fields: [{ name: "a", type: "string", maxLength: 5, required: true, labels }] },
    ]);
    expect(omitted.get("t").fields[0]?.disclosure).to.equal("private");
  });
});
