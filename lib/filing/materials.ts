import { fileNames } from '../files/index.js';
import type { Db } from '../platform/index.js';
import type { ApplicationDraft, ApplicationKind } from '../workflow/index.js';

export type Material = { purpose: string; name: string; hint: string; required: boolean };

/** The scans each kind of application needs (上传相应扫描件), by purpose. */
export function materialsFor(kind: ApplicationKind, draft: ApplicationDraft): Material[] {
  const contract = {
    purpose: 'contract',
    name: '劳动合同扫描件',
    hint: '与所填聘用信息一致，含合同期限和双方签章的页面',
    required: true,
  };
  switch (kind) {
    case 'initial':
    case 'additional':
    case 'renewal':
      return [contract];
    case 'personal_change':
      return [
        {
          purpose: 'change-proof',
          name: '变更证明材料',
          hint: '例如学历证书、户籍证明或公安机关出具的证明',
          required: true,
        },
      ];
    case 'out_of_province_qualification':
      return [
        {
          purpose: 'qualification-certificate',
          name: '资格证书扫描件',
          hint: '省外取得的资格证书',
          required: true,
        },
        ...(draft.outOfProvince?.registeredElsewhere
          ? [
              {
                purpose: 'previous-registration',
                name: '原注册证书或注销证明',
                hint: '在省外做过初始注册的提供',
                required: true,
              },
            ]
          : []),
      ];
    default:
      return [];
  }
}

/** The required materials not yet uploaded. */
export function missingMaterials(kind: ApplicationKind, draft: ApplicationDraft): Material[] {
  return materialsFor(kind, draft).filter((m) => m.required && !draft.uploads?.[m.purpose]);
}

/** The materials of this kind, each with the file uploaded for it so far and that file's name. */
export async function materialsWithFiles(
  db: Db,
  kind: ApplicationKind,
  draft: ApplicationDraft,
): Promise<(Material & { fileId?: string; fileName?: string })[]> {
  const names = await fileNames(db, Object.values(draft.uploads ?? {}));
  return materialsFor(kind, draft).map((m) => {
    const fileId = draft.uploads?.[m.purpose];
    return { ...m, fileId, fileName: fileId ? names.get(fileId) : undefined };
  });
}
