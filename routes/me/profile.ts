import type { Request, Response } from 'express';
import { z } from 'zod';
import { digitsField } from '../../lib/identity/index.js';
import {
  mayEditParticulars,
  personOfAccount,
  setPhoto,
  updateProfile,
} from '../../lib/person/index.js';
import type { FormErrors } from '../../lib/platform/index.js';
import { fieldErrors, formatErrors, inputLimits, trimmed } from '../../lib/platform/index.js';
import { EDUCATION_LEVELS } from '../../lib/reference/index.js';
import type { Pages } from '../area.js';
import { requireRole } from '../middleware/auth.js';
import { redirectRefused, takeRefused } from '../middleware/flash.js';
import { uploadFields, uploadedPhoto } from '../middleware/uploads.js';
import { paths } from '../paths.js';

export const profileForm = z.object({
  phone: digitsField(/^1[3-9]\d{9}$/, '请输入11位手机号码，例如 13912345678'),
  email: z.email({ error: '请输入正确的电子邮箱地址，例如 name@example.com' }).max(100),
  address: z.string().trim().min(1, '请填写通讯地址').max(200, '通讯地址最多200个字'),
});

const educationForm = z.object({
  education: z.enum(EDUCATION_LEVELS, { error: '请选择学历' }),
});

/**
 * The profile: contact details always; the particulars (education, the ID photo) only while the
 * person holds no registration.
 */
export const profilePages: Pages = ({ pages, uploads }, { sql, clock, fileStore }) => {
  const render = async (req: Request, res: Response, values: object, errors: FormErrors) => {
    const person = await personOfAccount(sql, req.user!.id);
    res.render('pages/me/profile', {
      title: '个人信息',
      person,
      values: { ...person, ...values },
      errors,
      limits: inputLimits(profileForm),
      educationLevels: EDUCATION_LEVELS,
      mayEditParticulars: await mayEditParticulars(sql, person.personId),
      saved: req.query.saved,
    });
  };

  pages.get(paths.me.profile, (req, res) => {
    const { values, errors } = takeRefused(req);
    return render(req, res, values, errors);
  });

  pages.post(paths.me.profile, async (req, res) => {
    const values = trimmed(req.body);
    const contact = profileForm.safeParse(values);
    const wantsEducation = typeof values.education === 'string';
    const education = wantsEducation ? educationForm.safeParse(values) : undefined;
    if (!contact.success || (education && !education.success)) {
      const errors = {
        ...(contact.success ? {} : formatErrors(contact.error).fields),
        ...(education && !education.success ? formatErrors(education.error).fields : {}),
      };
      res.status(422);
      return render(req, res, values, fieldErrors(errors));
    }
    await updateProfile(
      sql,
      req.user!.id,
      { ...contact.data, ...(education?.success ? education.data : {}) },
      clock.now(),
    );
    res.redirect(303, `${paths.me.profile}?saved=details`);
  });

  // The ID photo (rule 2): checked and re-encoded, declared taken within 6 months.
  uploads.post(
    paths.me.photo,
    requireRole('person'),
    uploadFields([{ name: 'photo' }]),
    async (req, res) => {
      const upload = await uploadedPhoto(req, '请选择证件照');
      if (!upload.ok) {
        const values = trimmed(req.body);
        return redirectRefused(req, res, paths.me.profile, fieldErrors(upload.errors), values);
      }
      await setPhoto(sql, fileStore, req.user!.id, upload.photo, clock.now());
      res.redirect(303, `${paths.me.profile}?saved=photo`);
    },
  );
};
