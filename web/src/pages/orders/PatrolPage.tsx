// The grid worker's patrol report, made for a phone in the street: the urban-management class (event or
// component), what is wrong, photos from the camera (shrunk on the phone before sending), and the place from the
// phone's location (or a tap on the map). It goes through the patrol intake (POST /api/requests/patrol) with an
// idempotency key, so a double tap on a slow connection reports once.
import { CameraOutlined, DeleteOutlined } from '@ant-design/icons';
import { Alert, App, Button, Flex, Form, Input, Result, Select, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, errorText } from '../../api.ts';
import { useApi, useSubmit } from '../../hooks.ts';
import { useLang, useT } from '../../i18n/index.tsx';
import { type PickedPlace, PlaceMap } from '../../portal/PlaceMap.tsx';
import { MAX_PHOTOS, PhotoProblem, type PreparedPhoto, preparePhoto } from '../../portal/photos.ts';
import type { OrderReference } from './types.ts';
import './orders.css';

interface PatrolValues {
  eventCode: string;
  categoryCode?: string;
  description: string;
  address?: string;
}

interface SubmitOut {
  order: { number: string; statusLabel: string };
  merged: boolean;
}

export function PatrolPage() {
  const t = useT();
  const lang = useLang();
  const { message } = App.useApp();
  const [form] = Form.useForm<PatrolValues>();
  const reference = useApi<OrderReference>('/api/requests/reference');
  const [place, setPlace] = useState<PickedPlace | null>(null);
  const [photos, setPhotos] = useState<PreparedPhoto[]>([]);
  const [placeMissing, setPlaceMissing] = useState(false);
  const { busy, error, setError, run } = useSubmit();
  const [done, setDone] = useState<SubmitOut | null>(null);
  const [key, setKey] = useState(() => crypto.randomUUID());
  const fileInput = useRef<HTMLInputElement>(null);

  // The place where the worker stands is the likeliest place of the problem: ask the phone once at the start.
  useEffect(() => {
    if (!navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition(
      (pos) => setPlace((p) => p ?? { lng: pos.coords.longitude, lat: pos.coords.latitude }),
      () => {},
      { enableHighAccuracy: true, timeout: 10_000 },
    );
  }, []);

  const classOptions = useMemo(() => {
    const classes = reference.data?.urbanClasses ?? [];
    return (['event', 'component'] as const).map((kind) => ({
      label: kind === 'event' ? t('ordersPatrolEvents') : t('ordersPatrolComponents'),
      options: classes
        .filter((c) => c.kind === kind)
        .map((c) => ({ value: c.code, label: `${c.major} / ${c.minor}` })),
    }));
  }, [reference.data, t]);

  const addPhotos = async (files: FileList | null) => {
    for (const file of Array.from(files ?? []).slice(0, MAX_PHOTOS - photos.length)) {
      try {
        const p = await preparePhoto(file);
        setPhotos((list) => (list.length < MAX_PHOTOS ? [...list, p] : list));
      } catch (e) {
        message.error(
          t('ordersPatrolPhotoBad', { name: e instanceof PhotoProblem ? e.fileName : file.name }),
        );
      }
    }
    if (fileInput.current) fileInput.current.value = '';
  };

  const submit = async (values: PatrolValues) => {
    if (!place) {
      setPlaceMissing(true);
      return;
    }
    await run(async () => {
      const out = await api<SubmitOut>('/api/requests/patrol', {
        method: 'POST',
        headers: { 'idempotency-key': key },
        body: {
          eventCode: values.eventCode,
          ...(values.categoryCode ? { categoryCode: values.categoryCode } : {}),
          description: values.description.trim(),
          ...(values.address?.trim() ? { address: values.address.trim() } : {}),
          lng: place.lng,
          lat: place.lat,
          photos: photos.map((p) => ({
            fileName: p.fileName,
            contentType: p.contentType,
            dataBase64: p.dataBase64,
          })),
        },
      });
      setDone(out);
    });
  };

  const again = () => {
    form.resetFields();
    for (const p of photos) URL.revokeObjectURL(p.previewUrl);
    setPhotos([]);
    setDone(null);
    setError(null);
    setKey(crypto.randomUUID());
  };

  if (done) {
    return (
      <Result
        status="success"
        data-testid="patrol-done"
        title={
          done.merged
            ? t('ordersPatrolMerged', { number: done.order.number })
            : t('ordersPatrolDone', { number: done.order.number })
        }
        subTitle={done.order.statusLabel}
        extra={[
          <Link key="open" to={`/orders?q=${done.order.number}`}>
            <Button size="large">{t('ordersPatrolOpen')}</Button>
          </Link>,
          <Button key="again" size="large" type="primary" onClick={again}>
            {t('ordersPatrolAnother')}
          </Button>,
        ]}
      />
    );
  }

  return (
    <Flex vertical gap={12} style={{ maxWidth: 640 }} className="patrol-form">
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('ordersPatrolTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('ordersPatrolIntro')}
      </Typography.Paragraph>
      <Form form={form} layout="vertical" size="large" onFinish={submit} data-testid="patrol-form">
        <Form.Item
          name="eventCode"
          label={t('ordersPatrolClass')}
          rules={[{ required: true, message: t('ordersPatrolClassRequired') }]}
        >
          <Select
            showSearch
            optionFilterProp="label"
            options={classOptions}
            data-testid="patrol-class"
            aria-label={t('ordersPatrolClass')}
          />
        </Form.Item>
        <Form.Item name="categoryCode" label={t('ordersPatrolCategory')}>
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            options={reference.data?.categories.map((c) => ({
              value: c.code,
              label: `${c.majorName} / ${lang === 'en' ? c.nameEn : c.name}`,
            }))}
          />
        </Form.Item>
        <Form.Item
          name="description"
          label={t('ordersPatrolDescription')}
          rules={[{ required: true, whitespace: true, message: t('ordersPatrolDescriptionRequired') }]}
        >
          <Input.TextArea
            rows={3}
            maxLength={2000}
            placeholder={t('ordersPatrolDescriptionHint')}
            data-testid="patrol-description"
          />
        </Form.Item>
        <Form.Item label={t('ordersPatrolPhotos')}>
          <Flex gap={8} wrap align="center">
            {photos.map((p, i) => (
              <Flex key={p.previewUrl} vertical align="center" gap={4}>
                <img src={p.previewUrl} alt={p.fileName} className="patrol-photo" />
                <Button
                  size="small"
                  icon={<DeleteOutlined />}
                  onClick={() => {
                    URL.revokeObjectURL(p.previewUrl);
                    setPhotos((list) => list.filter((_, j) => j !== i));
                  }}
                  aria-label={t('reset')}
                />
              </Flex>
            ))}
            {photos.length < MAX_PHOTOS && (
              <Button icon={<CameraOutlined />} onClick={() => fileInput.current?.click()}>
                {t('ordersPatrolAddPhoto')}
              </Button>
            )}
            <input
              ref={fileInput}
              type="file"
              accept="image/*"
              capture="environment"
              multiple
              style={{ display: 'none' }}
              data-testid="patrol-photo-input"
              onChange={(e) => {
                addPhotos(e.target.files).catch(() => {});
              }}
            />
          </Flex>
        </Form.Item>
        <Form.Item label={t('ordersPatrolPlace')} required>
          <div className="patrol-map">
            <PlaceMap
              value={place}
              onChange={(p) => {
                setPlace(p);
                if (p) setPlaceMissing(false);
              }}
            />
          </div>
          {placeMissing && (
            <Alert type="error" showIcon title={t('ordersPatrolPlaceRequired')} style={{ marginTop: 8 }} />
          )}
        </Form.Item>
        <Form.Item name="address" label={t('ordersPatrolAddress')}>
          <Input maxLength={300} />
        </Form.Item>
        {error !== null && (
          <Alert
            type="error"
            showIcon
            title={errorText(error, lang)}
            style={{ marginBottom: 12 }}
            data-testid="patrol-error"
          />
        )}
        <Button type="primary" htmlType="submit" block loading={busy} data-testid="patrol-submit">
          {t('ordersPatrolSubmit')}
        </Button>
      </Form>
    </Flex>
  );
}
