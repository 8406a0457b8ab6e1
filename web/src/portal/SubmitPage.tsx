// Report a problem: what it is (category optional), photos (checked and compressed on the phone), where (a pin on
// the map or an address), and whether to leave a name and phone. One Idempotency-Key per filled form, so a
// double tap or a retry after a dropped connection creates one request, not two.
import { CameraOutlined, DeleteOutlined } from '@ant-design/icons';
import { Alert, Button, Flex, Form, Input, Radio, Select, Spin, Typography } from 'antd';
import { useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, errorText } from '../api.ts';
import { useApi } from '../hooks.ts';
import { useLang, useT } from '../i18n/index.tsx';
import { type PickedPlace, PlaceMap } from './PlaceMap.tsx';
import { PageHeading } from './PortalApp.tsx';
import { MAX_PHOTOS, PhotoProblem, type PreparedPhoto, preparePhoto } from './photos.ts';
import { saveRequest } from './saved.ts';
import { useSession } from './session.ts';
import type { SubmitResult } from './types.ts';

interface Service {
  service_code: string;
  service_name: string;
  keywords: string;
  group: string | null;
}

interface FormValues {
  categoryCode?: string;
  description: string;
  address?: string;
  who: 'identified' | 'anonymous';
  name?: string;
  phone?: string;
}

/** A random key for one filled form; crypto.randomUUID needs a secure context, getRandomValues does not. */
function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `portal-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function SubmitPage() {
  const t = useT();
  const lang = useLang();
  const navigate = useNavigate();
  const { resident } = useSession();
  const [form] = Form.useForm<FormValues>();
  const services = useApi<Service[]>('/open311/v2/services.json');
  const [photos, setPhotos] = useState<PreparedPhoto[]>([]);
  const [photoError, setPhotoError] = useState<string | null>(null);
  const [compressing, setCompressing] = useState(false);
  const [place, setPlace] = useState<PickedPlace | null>(null);
  const [placeError, setPlaceError] = useState(false);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const key = useRef(newKey());
  const fileInput = useRef<HTMLInputElement>(null);
  const who = Form.useWatch('who', form) ?? 'identified';

  const categoryOptions = useMemo(() => {
    const groups = new Map<string, Array<{ value: string; label: string }>>();
    for (const s of services.data ?? []) {
      const [zh, en] = s.keywords.split(',');
      const label = lang === 'en' && en ? en : (zh ?? s.service_name);
      const group = s.group ?? '';
      if (!groups.has(group)) groups.set(group, []);
      groups.get(group)!.push({ value: s.service_code, label });
    }
    return [...groups].map(([label, options]) => ({ label, title: label, options }));
  }, [services.data, lang]);

  const addPhotos = async (files: FileList | null) => {
    if (!files || files.length === 0) return;
    setPhotoError(null);
    const room = MAX_PHOTOS - photos.length;
    const chosen = Array.from(files);
    if (chosen.length > room) setPhotoError(t('portalPhotoTooMany'));
    setCompressing(true);
    const added: PreparedPhoto[] = [];
    for (const file of chosen.slice(0, Math.max(0, room))) {
      try {
        added.push(await preparePhoto(file));
      } catch (e) {
        const name = e instanceof PhotoProblem ? e.fileName : file.name;
        setPhotoError(
          e instanceof PhotoProblem && e.kind === 'too-big'
            ? t('portalPhotoTooBig', { name })
            : t('portalPhotoNotImage', { name }),
        );
      }
    }
    setCompressing(false);
    setPhotos((p) => [...p, ...added]);
    if (fileInput.current) fileInput.current.value = '';
  };

  const submit = async (v: FormValues) => {
    if (!place && !v.address?.trim()) {
      setPlaceError(true);
      return;
    }
    if (sending) return;
    setSending(true);
    setError(null);
    const anonymous = v.who === 'anonymous';
    try {
      const result = await api<SubmitResult>('/api/requests', {
        method: 'POST',
        headers: { 'idempotency-key': key.current },
        body: {
          description: v.description.trim(),
          ...(v.categoryCode ? { categoryCode: v.categoryCode } : {}),
          ...(v.address?.trim() ? { address: v.address.trim() } : {}),
          ...(place ? { lng: place.lng, lat: place.lat } : {}),
          anonymous,
          ...(!anonymous && v.name?.trim() ? { name: v.name.trim() } : {}),
          ...(!anonymous && v.phone?.trim() ? { phone: v.phone.trim() } : {}),
          photos: photos.map(({ fileName, contentType, dataBase64 }) => ({
            fileName,
            contentType,
            dataBase64,
          })),
        },
      });
      saveRequest({
        number: result.order.number,
        accessCode: result.accessCode,
        at: new Date().toISOString(),
        summary: v.description.trim().slice(0, 30),
      });
      for (const p of photos) URL.revokeObjectURL(p.previewUrl);
      key.current = newKey();
      navigate('/done', { state: result, replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setSending(false);
    }
  };

  return (
    <>
      <PageHeading title={t('portalSubmitTitle')} />
      <Form
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{ who: 'identified' }}
        onFinish={submit}
        scrollToFirstError
      >
        <Form.Item
          label={t('portalDescription')}
          name="description"
          rules={[
            { required: true, whitespace: true, min: 5, message: t('portalDescriptionRequired') },
            { max: 2000, message: t('portalDescriptionTooLong') },
          ]}
        >
          <Input.TextArea
            rows={5}
            showCount
            maxLength={2000}
            placeholder={t('portalDescriptionPlaceholder')}
            data-testid="description"
          />
        </Form.Item>

        <Form.Item label={t('portalCategory')} name="categoryCode">
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            loading={services.loading}
            options={categoryOptions}
            placeholder={t('portalCategoryPlaceholder')}
            data-testid="category"
          />
        </Form.Item>

        <Form.Item label={t('portalPhotos')}>
          <input
            ref={fileInput}
            type="file"
            accept="image/*"
            multiple
            style={{ display: 'none' }}
            data-testid="photo-input"
            onChange={(e) => void addPhotos(e.target.files)}
          />
          <Flex gap={8} wrap align="center">
            {photos.map((p, i) => (
              <div className="portal-photo" key={p.previewUrl} data-testid="photo-preview">
                <img src={p.previewUrl} alt={p.fileName} />
                <Button
                  size="small"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label={t('portalPhotoRemove')}
                  onClick={() => {
                    URL.revokeObjectURL(p.previewUrl);
                    setPhotos((all) => all.filter((_, j) => j !== i));
                  }}
                />
              </div>
            ))}
            {photos.length < MAX_PHOTOS && (
              <Button
                size="large"
                icon={<CameraOutlined />}
                onClick={() => fileInput.current?.click()}
                disabled={compressing}
              >
                {t('portalAddPhoto')}
              </Button>
            )}
            {compressing && (
              <span>
                <Spin size="small" /> {t('portalPhotoCompressing')}
              </span>
            )}
          </Flex>
          {photoError && (
            <Alert
              type="error"
              showIcon
              title={photoError}
              style={{ marginTop: 8 }}
              data-testid="photo-error"
            />
          )}
        </Form.Item>

        <Form.Item label={t('portalPlace')} extra={t('portalPlaceMapHint')}>
          <PlaceMap
            value={place}
            onChange={(p) => {
              setPlace(p);
              if (p) setPlaceError(false);
            }}
          />
        </Form.Item>
        <Form.Item label={t('portalAddress')} name="address" rules={[{ max: 300 }]}>
          <Input
            placeholder={t('portalAddressPlaceholder')}
            onChange={(e) => e.target.value.trim() && setPlaceError(false)}
            data-testid="address"
          />
        </Form.Item>
        {placeError && (
          <Alert
            type="error"
            showIcon
            title={t('portalPlaceRequired')}
            style={{ marginBottom: 16 }}
            data-testid="place-error"
          />
        )}

        <Form.Item label={t('portalWho')} name="who">
          <Radio.Group>
            <Flex vertical>
              <Radio value="identified" data-testid="who-identified">
                {t('portalIdentified')}
              </Radio>
              <Radio value="anonymous" data-testid="who-anonymous">
                {t('portalAnonymous')}
              </Radio>
            </Flex>
          </Radio.Group>
        </Form.Item>
        {who === 'anonymous' && (
          <Typography.Paragraph type="secondary" style={{ fontSize: 18 }}>
            {t('portalAnonymousHint')}
          </Typography.Paragraph>
        )}
        {who === 'identified' && resident && (
          <Alert type="info" showIcon title={t('portalAccountIdentified')} style={{ marginBottom: 16 }} />
        )}
        {who === 'identified' && !resident && (
          <>
            <Form.Item label={t('portalName')} name="name" rules={[{ max: 50 }]}>
              <Input autoComplete="name" data-testid="name" />
            </Form.Item>
            <Form.Item
              label={t('portalPhone')}
              name="phone"
              rules={[{ required: true, pattern: /^1[3-9]\d{9}$/, message: t('portalPhoneInvalid') }]}
            >
              <Input inputMode="tel" autoComplete="tel" maxLength={11} data-testid="phone" />
            </Form.Item>
          </>
        )}

        {error !== null && (
          <Alert
            type="error"
            showIcon
            title={errorText(error, lang)}
            style={{ marginBottom: 16 }}
            data-testid="submit-error"
          />
        )}
        <Button
          type="primary"
          htmlType="submit"
          size="large"
          block
          loading={sending}
          disabled={compressing}
          style={{ height: 64, fontSize: 24 }}
          data-testid="send"
        >
          {sending ? t('portalSending') : t('portalSend')}
        </Button>
      </Form>
    </>
  );
}
