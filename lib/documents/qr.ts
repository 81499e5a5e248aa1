import QRCode from 'qrcode';

/**
 * The QR code of a printed application form: which application, which snapshot version and a
 * short hash of that snapshot, so that a signed scan can be matched to the very content it was
 * printed from (an older version, another application or a tampered snapshot is told apart).
 * Compact and parseable: `JSREG|SQ20261125000001|v2|3f9a0c41d2`.
 */

export type FormQr = {
  applicationNumber: string;
  snapshotVersion: number;
  /** The first 10 hex digits of the snapshot's hash (sha256 of its canonical JSON). */
  shortHash: string;
};

const PREFIX = 'JSREG';
const SHORT_HASH_LENGTH = 10;
const PAYLOAD = /^JSREG\|([0-9A-Za-z-]{1,40})\|v([0-9]{1,6})\|([0-9a-f]{10})$/;

/** What of an application its form's QR stands for: its number and frozen snapshot. */
export type FormQrSource = {
  applicationNumber: string;
  snapshotVersion: number;
  snapshotHash: string | null;
};

/** The QR of an application's form as printed now. */
export function formQrOf(app: FormQrSource & { snapshotHash: string }): FormQr {
  return {
    applicationNumber: app.applicationNumber,
    snapshotVersion: app.snapshotVersion,
    shortHash: shortHashOf(app.snapshotHash),
  };
}

/** The short hash the QR carries, from the application's snapshot hash. */
function shortHashOf(snapshotHash: string): string {
  return snapshotHash.slice(0, SHORT_HASH_LENGTH);
}

function formQrPayload(qr: FormQr): string {
  return [PREFIX, qr.applicationNumber, `v${qr.snapshotVersion}`, qr.shortHash].join('|');
}

/** The form's QR read back, or undefined for any other text (another code on the page). */
export function parseFormQr(text: string): FormQr | undefined {
  const match = PAYLOAD.exec(text.trim());
  if (!match) return undefined;
  return {
    applicationNumber: match[1]!,
    snapshotVersion: Number(match[2]),
    shortHash: match[3]!,
  };
}

/**
 * The QR as an inline SVG (vector, so it prints sharp at any size): error correction Q, which
 * still reads with a quarter of it smudged (a stamp's edge, a pen stroke), and the standard quiet
 * zone of 4 modules. The template sizes it (30 mm).
 */
export function formQrSvg(qr: FormQr): Promise<string> {
  return QRCode.toString(formQrPayload(qr), {
    type: 'svg',
    errorCorrectionLevel: 'Q',
    margin: 4,
  });
}

/** Why an uploaded scan was refused: its QR names another application, version or content. */
export const SIGNED_FORM_MISMATCH = 'signed_form_mismatch';

/**
 * Why a scan's QR does not belong to the application as it is now (its number, its snapshot's
 * version and hash), or undefined when it does: the message names both versions.
 */
export function formQrMismatch(qr: FormQr, current: FormQrSource): string | undefined {
  const again = '请下载最新申请表，签字盖章后重新上传';
  if (qr.applicationNumber !== current.applicationNumber) {
    return `扫描件是另一项申请（申请编号${qr.applicationNumber}）的申请表，不是本申请（${current.applicationNumber}）的：${again}`;
  }
  if (qr.snapshotVersion !== current.snapshotVersion) {
    return `扫描件是第${qr.snapshotVersion}版申请表，当前为第${current.snapshotVersion}版：${again}`;
  }
  if (!current.snapshotHash || qr.shortHash !== shortHashOf(current.snapshotHash)) {
    return `扫描件的校验码（${qr.shortHash}）与当前第${current.snapshotVersion}版申请表不符：${again}`;
  }
  return undefined;
}
