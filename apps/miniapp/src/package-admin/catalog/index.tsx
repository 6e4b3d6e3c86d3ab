/**
 * 目录: scenes (thumbnail upload, order, on/off), the 模特库 (upload a licensed photo, AI 生成, attributes, order,
 * on/off), 画同款 showcases (cover from an upload or a work, order, on/off), prompt templates (rendered preview, new
 * version), credit packages (on/off, new). `?tab=showcases&work_id=` opens the showcase form with a work's image.
 */
import { useState } from 'react'
import { View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { Tabs } from '../../components/tabs'
import { Scenes } from './scenes'
import { Templates } from './templates'
import { Packages } from './packages'
import { Models } from './models'
import { Showcases } from './showcases'
import '../shared/admin.css'

type Tab = 'scenes' | 'models' | 'showcases' | 'templates' | 'packages'
const TABS: ReadonlyArray<{ key: Tab; label: string }> = [
  { key: 'scenes', label: '场景' },
  { key: 'models', label: '模特库' },
  { key: 'showcases', label: '同款' },
  { key: 'templates', label: '模板' },
  { key: 'packages', label: '套餐' },
]

export default function Catalog() {
  const { params } = useRouter()
  const fromWorkId = typeof params.work_id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(params.work_id) ? params.work_id : undefined
  const [tab, setTab] = useState<Tab>(TABS.some((t) => t.key === params.tab) ? (params.tab as Tab) : 'scenes')
  return (
    <View className='pg adm'>
      <Tabs items={TABS} value={tab} onChange={setTab} />
      {tab === 'scenes' ? <Scenes /> : tab === 'models' ? <Models /> : tab === 'showcases' ? <Showcases fromWorkId={fromWorkId} /> : tab === 'templates' ? <Templates /> : <Packages />}
    </View>
  )
}
