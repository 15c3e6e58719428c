/** Upstream's clean_dag_id: every run of characters outside [0-9a-zA-Z-_] becomes one '_' (openmetadata_managed_apis/api/utils.py). */
export function cleanDagId(name: string): string {
  return name.replace(/[^0-9a-zA-Z\-_]+/g, '_')
}

/** The Airflow task id OpenMetadata asks logs for, per pipeline type (PipelineServiceClientInterface.taskKeyOf). */
export const TASK_ID = { metadata: 'ingestion_task', usage: 'usage_task', lineage: 'lineage_task' } as const
