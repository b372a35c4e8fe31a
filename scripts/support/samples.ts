import { residentIdCheckChar, usccCheckChar } from "../../server/core/index.ts";
import type { CertificateInput } from "../../server/core/index.ts";

/** A made-up unified social credit code with a correct check character (never a real entity's). */
export function sampleUscc(n: number): string {
  const first17 = `91110108${String(n).padStart(8, "0")}M`.slice(0, 17);
  return first17 + usccCheckChar(first17);
}

/** A made-up citizen identity number with a valid birth date and check character. */
export function sampleResidentId(n: number, birth = "19900307"): string {
  const first17 = `110101${birth}${String(n % 1000).padStart(3, "0")}`;
  return first17 + residentIdCheckChar(first17);
}

const issuer = { agencyId: 7, name: "北京市海淀区市场监督管理局", jurisdiction: "110000" };

/**
 * What an officer sends to issue sample business licence `n`: its type, subject and start (the
 * issuer comes from the officer's key).
 */
export function licenceRequest(n: number): Pick<CertificateInput, "type" | "subject" | "validFrom"> {
  const licence = sampleInputs(n)["business-licence"];
  if (!licence) throw new Error("the samples have no business licence");
  return { type: licence.type, subject: licence.subject, validFrom: licence.validFrom };
}

/** A valid input of each shipped type; `n` varies the values. */
export function sampleInputs(n = 1): Record<string, CertificateInput> {
  return {
    "business-licence": {
      type: "business-licence",
      issuer,
      subject: {
        companyName: `北京示例科技有限公司${n}`,
        uscc: sampleUscc(n),
        entityType: "limited-liability-company",
        legalRepresentative: "张示例",
        registeredCapital: 1_000_000 + n,
        establishmentDate: "2019-03-28",
        businessScope: "技术开发、技术咨询、技术服务；软件开发。",
        address: "北京市海淀区示例路1号",
      },
      validFrom: "2019-04-01T00:00:00+08:00",
      supersedes: "01JB0000000000000000000000",
    },
    "food-business-permit": {
      type: "food-business-permit",
      issuer: { agencyId: 8, name: "北京市东城区市场监督管理局", jurisdiction: "110000" },
      subject: {
        operatorName: `北京示例餐饮有限公司${n}`,
        uscc: sampleUscc(n + 1),
        legalRepresentative: "李示例",
        residence: "北京市东城区示例街2号",
        businessPremises: "北京市东城区示例街2号一层",
        premisesJurisdiction: "110101",
        mainBusinessFormat: "catering",
        businessItems: "热食类食品制售；冷食类食品制售。",
        permitNumber: "JY21101010000017",
      },
      validFrom: "2024-01-01T00:00:00+08:00",
      validUntil: "2029-01-01T00:00:00+08:00",
    },
    "professional-qualification": {
      type: "professional-qualification",
      issuer: { agencyId: 9, name: "河北省人力资源和社会保障厅", jurisdiction: "130000" },
      subject: {
        holderName: "王示例",
        gender: "female",
        residentId: sampleResidentId(n, "19880612"),
        occupation: "电工",
        level: "level-3",
        theoryScore: 86,
        skillScore: 91,
        certificateNumber: "S000013000000031",
      },
      validFrom: "2023-07-01T00:00:00+08:00",
    },
    diploma: {
      type: "diploma",
      issuer: { agencyId: 10, name: "示例大学", jurisdiction: "110000" },
      subject: {
        holderName: "赵示例",
        gender: "male",
        dateOfBirth: "2001-09-15",
        residentId: sampleResidentId(n, "20010915"),
        institution: "示例大学",
        major: "计算机科学与技术",
        educationLevel: "undergraduate",
        lengthOfSchooling: 4,
        enrolmentDate: "2019-09-01",
        graduationDate: "2023-06-30",
        certificateNumber: "100011202305000123",
      },
      validFrom: "2023-07-01T00:00:00+08:00",
    },
    "driving-licence": {
      type: "driving-licence",
      issuer: { agencyId: 11, name: "北京市公安局公安交通管理局", jurisdiction: "110000" },
      subject: {
        licenceNumber: sampleResidentId(n, "19950220"),
        holderName: "孙示例",
        gender: "male",
        nationality: "中国",
        address: "北京市东城区示例胡同3号",
        dateOfBirth: "1995-02-20",
        firstIssueDate: "2015-05-10",
        vehicleClasses: "C1",
      },
      validFrom: "2021-05-10T00:00:00+08:00",
      validUntil: "2031-05-10T00:00:00+08:00",
    },
  };
}
