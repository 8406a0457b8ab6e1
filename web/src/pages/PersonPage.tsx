// A resident's record at its own address (/persons/:id), for links from the map and households. A record outside
// the viewer's scope answers "not found", exactly like one that does not exist.
import { ArrowLeftOutlined } from '@ant-design/icons';
import { Button, Card, Flex, Result } from 'antd';
import { useNavigate, useParams } from 'react-router-dom';
import type { Account } from '../api.ts';
import { PersonDetailView } from '../components/PersonDetailView.tsx';
import { useT } from '../i18n/index.tsx';

export function PersonPage({ account }: { account: Account }) {
  const t = useT();
  const navigate = useNavigate();
  const id = Number(useParams()['id']);
  return (
    <Flex vertical gap={12} style={{ maxWidth: 860 }}>
      <Button
        icon={<ArrowLeftOutlined />}
        // Back where the user came from; opened from a bookmark or a typed address, to the search.
        onClick={() => (window.history.state?.idx > 0 ? navigate(-1) : navigate('/persons'))}
        style={{ alignSelf: 'flex-start' }}
      >
        {t('back')}
      </Button>
      <Card title={t('residentDetail')}>
        {Number.isInteger(id) && id > 0 ? (
          // keyed by id: moving to a household member starts over, with nothing unmasked
          <PersonDetailView key={id} personId={id} account={account} />
        ) : (
          <Result status="404" title={t('pageNotFound')} />
        )}
      </Card>
    </Flex>
  );
}
